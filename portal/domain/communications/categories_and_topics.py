"""The secretariat's registrant categories and mail topics: read (staff), add or change (admins).

Guarantees:
- Only an admin changes anything; staff of any role may read.
- A code is lower-case letters, digits and "_" (categories up to 32, topics up to 24
  characters), never one of the built-in codes, and never changes once given (records and
  choices refer to it); names are required in both languages.
- Saving a code that exists changes that category or topic; every change is in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from portal.domain.accounts import permissions
from portal.domain.accounts.actor import Actor
from portal.domain.audit import trail
from portal.domain.core.db import transaction
from portal.domain.core.errors import FieldErrors, NotAllowed
from portal.domain.registry import mail_topics, registrant_categories
from portal.domain.registry.tables import MailTopic, RegistrantCategory

MAX_NAME = 100
MAX_DESCRIPTION = 300


@dataclass(frozen=True)
class CategoriesAndTopics:
    categories: list[registrant_categories.Category]
    topics: list[mail_topics.Topic]


def read(actor: Actor) -> CategoriesAndTopics:
    """Every category and topic (staff)."""
    if not actor.is_staff:
        raise NotAllowed()
    with transaction() as db:
        return CategoriesAndTopics(
            registrant_categories.all_categories(db), mail_topics.all_topics(db)
        )


def _texts(values: dict, limits: dict[str, int], required: tuple[str, ...]) -> dict[str, str]:
    texts, errors = {}, {}
    for name, limit in limits.items():
        raw = values.get(name, "")
        text = raw.strip() if isinstance(raw, str) else ""
        if name in required and not text:
            errors[name] = ("categories_topics.required", {})
        elif len(text) > limit:
            errors[name] = ("record.too_long", {"max": limit})
        texts[name] = text
    if errors:
        raise FieldErrors(errors)
    return texts


def _code(raw: object, pattern, reserved) -> str:
    code = raw.strip().lower() if isinstance(raw, str) else ""
    if not pattern.match(code) or code in reserved:
        raise FieldErrors({"code": ("categories_topics.code_invalid", {})})
    return code


def save_category(actor: Actor, values: dict) -> str:
    """Add the category, or change the one with this code; returns the code (admins)."""
    permissions.require_admin(actor)
    code = _code(values.get("code"), registrant_categories.CODE, {registrant_categories.GENERAL})
    texts = _texts(values, {"name_en": MAX_NAME, "name_ja": MAX_NAME}, ("name_en", "name_ja"))
    self_service = values.get("self_service") is True
    with transaction() as db:
        row = db.exec(select(RegistrantCategory).where(RegistrantCategory.code == code)).first()
        action = "category.changed" if row else "category.added"
        if row is None:
            row = RegistrantCategory(
                code=code, name_en="", name_ja="", position=_next(db, RegistrantCategory)
            )
            db.add(row)
        row.name_en, row.name_ja, row.self_service = (
            texts["name_en"],
            texts["name_ja"],
            self_service,
        )
        trail.record(db, action, actor, target=f"category:{code}")
    return code


def save_topic(actor: Actor, values: dict) -> str:
    """Add the topic, or change the one with this code; returns the code (admins)."""
    permissions.require_admin(actor)
    code = _code(values.get("code"), mail_topics.CODE, set(mail_topics.BUILT_IN))
    texts = _texts(
        values,
        {
            "name_en": MAX_NAME,
            "name_ja": MAX_NAME,
            "description_en": MAX_DESCRIPTION,
            "description_ja": MAX_DESCRIPTION,
        },
        ("name_en", "name_ja"),
    )
    default_on = values.get("default_on") is True
    with transaction() as db:
        row = db.exec(select(MailTopic).where(MailTopic.code == code)).first()
        action = "topic.changed" if row else "topic.added"
        if row is None:
            row = MailTopic(code=code, name_en="", name_ja="", position=_next(db, MailTopic))
            db.add(row)
        for name, text in texts.items():
            setattr(row, name, text)
        row.default_on = default_on
        trail.record(db, action, actor, target=f"topic:{code}")
    return code


def _next(db, table) -> int:
    return len(db.exec(select(table.id)).all())
