"""The activity catalogue: categories (data) and the activities staff keep.

How many points of a category count is the renewal rules' business (`rules.rule_set`).

Guarantees: staff create, edit and archive activities (never delete them, so
granted points always point at their activity); every value is checked per
field; registrants see only activities that are not archived.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from portal.domain.accounts import permissions
from portal.domain.accounts.actor import Actor
from portal.domain.audit import trail
from portal.domain.core import typed_dates
from portal.domain.core.clock import utcnow
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors, NotAllowed
from portal.domain.points.tables import Activity, ActivityCategory, ReviewMode
from portal.domain.registry import record_fields

# code, English name, Japanese name, order
DEFAULT_CATEGORIES = (
    ("mandatory_course", "Mandatory course", "職業紹介責任者講習", 1),
    ("seminar", "Seminar", "セミナー", 2),
    ("lecture", "Lecture", "講演会", 3),
    ("other", "Other activity", "その他の活動", 4),
)
MAX_POINTS = 50


def ensure_categories(db: Session) -> None:
    """Add the default categories that are missing (never changes existing ones)."""
    present = set(db.exec(select(ActivityCategory.code)).all())
    for code, name_en, name_ja, order in DEFAULT_CATEGORIES:
        if code not in present:
            db.add(ActivityCategory(code=code, name_en=name_en, name_ja=name_ja, sort_order=order))


@dataclass(frozen=True)
class CategoryView:
    id: int
    code: str
    name_en: str
    name_ja: str
    review_mode: str = ReviewMode.REVIEWED

    def name(self, lang: str) -> str:
        return self.name_ja if lang == "ja" else self.name_en

    @property
    def self_declared(self) -> bool:
        return self.review_mode == ReviewMode.SELF_DECLARED


@dataclass(frozen=True)
class ActivityView:
    id: int
    title: str
    category: CategoryView
    starts_on: dt.date
    ends_on: dt.date
    points: int
    organiser: str
    notes: str
    archived: bool


def categories() -> list[CategoryView]:
    """Every category that is in use, in display order."""
    with transaction() as db:
        rows = db.exec(
            select(ActivityCategory)
            .where(col(ActivityCategory.archived).is_(False))
            .order_by(col(ActivityCategory.sort_order), col(ActivityCategory.id))
        ).all()
        return [CategoryView(c.id, c.code, c.name_en, c.name_ja, c.review_mode) for c in rows]


def activities(include_archived: bool = False) -> list[ActivityView]:
    """The catalogue, newest first."""
    by_id = {c.id: c for c in categories()}
    query = select(Activity).order_by(col(Activity.starts_on).desc(), col(Activity.id).desc())
    if not include_archived:
        query = query.where(col(Activity.archived).is_(False))
    with transaction() as db:
        rows = db.exec(query).all()
    return [
        ActivityView(
            a.id,
            a.title,
            by_id[a.category_id],
            a.starts_on,
            a.ends_on,
            a.points,
            a.organiser,
            a.notes,
            a.archived,
        )
        for a in rows
        if a.category_id in by_id
    ]


def clean_activity(values: dict) -> dict[str, object]:
    """An activity's values (title, organiser, notes, starts_on, ends_on, points, category
    code) as typed values, or FieldErrors naming every wrong field."""
    if not isinstance(values, dict):
        raise DomainError("error.not_allowed")
    errors: dict[str, tuple[str, dict]] = {}
    cleaned: dict[str, object] = {}

    def text(name: str, limit: int, required: bool = False) -> None:
        raw = values.get(name, "")
        raw = raw if isinstance(raw, str) else ""
        if record_fields.has_control_chars(raw):
            errors[name] = ("record.control_chars", {})
        elif required and not raw.strip():
            errors[name] = ("record.required", {})
        elif len(raw.strip()) > limit:
            errors[name] = ("record.too_long", {"max": limit})
        else:
            cleaned[name] = raw.strip()

    text("title", 200, required=True)
    text("organiser", 200)
    text("notes", 1000)
    starts = typed_dates.parse(str(values.get("starts_on") or ""))
    ends_raw = str(values.get("ends_on") or "").strip()
    ends = typed_dates.parse(ends_raw) if ends_raw else starts
    if starts is None:
        errors["starts_on"] = ("record.date", {})
    if ends_raw and ends is None:
        errors["ends_on"] = ("record.date", {})
    elif starts is not None and ends is not None and ends < starts:
        errors["ends_on"] = ("catalogue.ends_before_start", {})
    points = str(values.get("points") or "").strip()
    if not points.isdigit() or not 1 <= int(points) <= MAX_POINTS:
        errors["points"] = ("catalogue.points", {"max": MAX_POINTS})
    category = values.get("category")
    if not isinstance(category, str) or category not in {c.code for c in categories()}:
        errors["category"] = ("record.invalid", {})
    if errors:
        raise FieldErrors(errors)
    cleaned.update(starts_on=starts, ends_on=ends, points=int(points), category=category)
    return cleaned


def save_activity(actor: Actor, activity_id: int | None, values: dict) -> int:
    """Create (no id) or edit an activity (staff); returns its id."""
    if not actor.is_staff:
        raise NotAllowed()
    cleaned = clean_activity(values)
    with transaction() as db:
        category_id = db.exec(
            select(ActivityCategory.id).where(ActivityCategory.code == cleaned.pop("category"))
        ).one()
        if activity_id is None:
            activity = Activity(category_id=category_id, **cleaned)
            db.add(activity)
        else:
            activity = db.get(Activity, activity_id)
            if activity is None:
                raise DomainError("catalogue.unknown")
            for name, value in cleaned.items():
                setattr(activity, name, value)
            activity.category_id = category_id
            activity.updated_at = utcnow()
        db.flush()
        trail.record(
            db, "catalogue.saved", actor, target=f"activity:{activity.id}", title=activity.title
        )
        return activity.id


def set_review_mode(actor: Actor, code: str, mode: str) -> None:
    """Admins choose whether a category's new claims wait for review or are accepted at
    once (self-declared, auditable); claims already made keep their state. Audited."""
    permissions.require_admin(actor)
    if mode not in tuple(ReviewMode):
        raise DomainError("error.not_allowed")
    with transaction() as db:
        category = db.exec(
            select(ActivityCategory).where(ActivityCategory.code == str(code))
        ).first()
        if category is None:
            raise DomainError("catalogue.unknown_category")
        if category.review_mode == mode:
            return
        before, category.review_mode = category.review_mode, mode
        trail.record(
            db,
            "catalogue.review_mode",
            actor,
            target=f"category:{category.code}",
            before=before,
            after=mode,
        )


def set_archived(actor: Actor, activity_id: int, archived: bool) -> None:
    """Hide an activity from registrants (or show it again); claims keep pointing at it."""
    if not actor.is_staff:
        raise NotAllowed()
    with transaction() as db:
        activity = db.get(Activity, activity_id)
        if activity is None:
            raise DomainError("catalogue.unknown")
        activity.archived = archived
        activity.updated_at = utcnow()
        trail.record(
            db,
            "catalogue.archived" if archived else "catalogue.restored",
            actor,
            target=f"activity:{activity.id}",
        )
