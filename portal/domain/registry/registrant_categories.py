"""Registrant categories (seed 001's 一般 / 学生): every record is in exactly one.

"general" is built in (every record starts there, and registrants may leave it and come
back); admins add others, each saying whether registrants may move themselves into and out
of it (`self_service`). Staff may always move a record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, col, select

from portal.domain.core.db import transaction
from portal.domain.core.errors import FieldErrors
from portal.domain.registry.tables import RegistrantCategory
from portal.i18n import translate

GENERAL = "general"
CODE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


@dataclass(frozen=True)
class Category:
    """A category as people read it, in both languages."""

    code: str
    name_en: str
    name_ja: str
    self_service: bool
    built_in: bool

    def name(self, lang: str) -> str:
        return self.name_ja if lang == "ja" else self.name_en


def _general() -> Category:
    return Category(
        code=GENERAL,
        name_en=translate("category.general", "en"),
        name_ja=translate("category.general", "ja"),
        self_service=True,
        built_in=True,
    )


def all_categories(db: Session) -> list[Category]:
    """Every category: "general", then the added ones in their order."""
    added = db.exec(
        select(RegistrantCategory).order_by(
            col(RegistrantCategory.position), col(RegistrantCategory.id)
        )
    ).all()
    return [_general()] + [
        Category(
            code=c.code,
            name_en=c.name_en,
            name_ja=c.name_ja,
            self_service=c.self_service,
            built_in=False,
        )
        for c in added
    ]


def names(db: Session, lang: str) -> dict[str, str]:
    """Each category's name in `lang`, by code."""
    return {c.code: c.name(lang) for c in all_categories(db)}


def check_move(db: Session, old: str, new: str, by_staff: bool) -> None:
    """Refuse (FieldErrors on "category") a move to an unknown category, or a registrant's
    move into or out of a category that is not self-service."""
    found = {c.code: c for c in all_categories(db)}
    if new not in found:
        raise FieldErrors({"category": ("record.category_unknown", {})})
    if by_staff or old == new:
        return
    if not found[new].self_service or (old in found and not found[old].self_service):
        raise FieldErrors({"category": ("record.category_staff_only", {})})


def listing() -> list[Category]:
    """Every category (a read of its own)."""
    with transaction() as db:
        return all_categories(db)
