"""Random audits of self-declared claims.

Guarantees of `draw()`:
- Only admins (or the command line) draw. The population is every approved
  self-declared claim never drawn before (of one category and activities on or after a
  day, when asked); a withdrawn, rejected or already audited claim is never drawn.
- The sample is uniformly random, from `secrets.SystemRandom` (the operating system's
  randomness: not predictable from ids, times or earlier draws); its size is the rate
  of the population rounded up, so at least one claim when any qualify. Tests pass a
  seeded generator; production code never does.
- A draw is recorded with who started it, the rate, the population and the claims
  drawn (and in the audit log); each drawn claim gets its audit (due in
  `PORTAL_AUDIT_DAYS`), a timeline entry, and its registrant a mail in their language.
  Nothing is told before the draw. `dry_run` says what would be drawn from and writes
  nothing.
- A claim is drawn at most once, even by two draws at the same moment (`claim_audit`'s
  unique claim).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from portal.domain.accounts import permissions
from portal.domain.accounts.actor import Actor
from portal.domain.audit import trail
from portal.domain.core.clock import today, utcnow
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors
from portal.domain.core.origin import SYSTEM
from portal.domain.points import mails
from portal.domain.points.tables import (
    ActivityCategory,
    AuditDraw,
    Claim,
    ClaimAudit,
    ClaimEvent,
    ClaimStatus,
)
from portal.settings import get_settings


@dataclass(frozen=True)
class Drawn:
    """What a draw found and chose (`draw_id` None for a dry run)."""

    population: int
    claim_ids: tuple[int, ...]
    draw_id: int | None
    due_on: dt.date


def sample_size(population: int, percent: float) -> int:
    """How many of `population` claims a draw at `percent` takes: the rate rounded up, so
    at least one whenever there is any."""
    return min(population, math.ceil(population * percent / 100 - 1e-9)) if population else 0


def _checked_percent(percent: object) -> float:
    try:
        value = float(percent)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = -1.0
    if not 0 < value <= 100 or math.isnan(value):
        raise FieldErrors({"percent": ("audits.percent", {})})
    return value


def _population(db, category: str, since: dt.date | None) -> list[int]:
    drawn_before = select(ClaimAudit.claim_id)
    statement = select(Claim.id).where(
        Claim.status == ClaimStatus.APPROVED,
        col(Claim.self_declared).is_(True),
        col(Claim.id).not_in(drawn_before),
    )
    if category:
        statement = statement.join(
            ActivityCategory, col(ActivityCategory.id) == Claim.category_id
        ).where(ActivityCategory.code == category)
    if since is not None:
        statement = statement.where(Claim.activity_date >= since)
    return list(db.exec(statement.order_by(col(Claim.id))).all())


def draw(
    actor: Actor | None,
    percent: float,
    category: str = "",
    since: dt.date | None = None,
    dry_run: bool = False,
    chooser: random.Random | None = None,
) -> Drawn:
    """Draw `percent` % of the qualifying claims for audit; see the module's guarantees.
    `actor` None is the command line."""
    if actor is not None:
        permissions.require_admin(actor)
    by = actor or SYSTEM
    rate = _checked_percent(percent)
    category = str(category or "").strip()
    due_on = today() + dt.timedelta(days=get_settings().evidence.audit_days)
    with transaction() as db:
        if (
            category
            and db.exec(
                select(ActivityCategory.id).where(ActivityCategory.code == category)
            ).first()
            is None
        ):
            raise FieldErrors({"category": ("catalogue.unknown_category", {})})
        population = _population(db, category, since)
        chosen = sorted(
            (chooser or secrets.SystemRandom()).sample(
                population, sample_size(len(population), rate)
            )
        )
        if dry_run:
            return Drawn(len(population), tuple(chosen), None, due_on)
        record = AuditDraw(
            started_by=by.account_id,
            percent=rate,
            category=category,
            since=since,
            population=len(population),
            drawn=len(chosen),
        )
        db.add(record)
        db.flush()
        now = utcnow()
        for claim_id in chosen:
            db.add(ClaimAudit(claim_id=claim_id, draw_id=record.id, due_on=due_on))
            db.add(ClaimEvent(claim_id=claim_id, kind="audit_drawn", at=now, by_staff=True))
        try:
            db.flush()
        except IntegrityError as exc:  # another draw took one of them at the same moment
            raise DomainError("audits.busy") from exc
        for claim_id in chosen:
            mails.claim_audited(db, db.get(Claim, claim_id), due_on)
        trail.record(
            db,
            "audits.draw",
            by,
            target=f"audit_draw:{record.id}",
            percent=rate,
            category=category,
            since=since.isoformat() if since else "",
            population=len(population),
            claims=chosen,
        )
        return Drawn(len(population), tuple(chosen), record.id, due_on)
