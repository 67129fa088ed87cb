"""A registrant's renewal: where they stand, applying, withdrawing, their certificates.

Guarantees:
- Every function acts on the signed-in registrant's own record only.
- `apply()` re-checks eligibility on the server with the same function the
  dashboard shows (`eligibility.evaluate_claims`): an application is accepted
  only when every requirement is met and the window is open, with the
  declaration ticked and a mailing address on the record.
- At most one live (submitted or approved) application per record and cycle —
  also when two submissions race (a partial unique index decides).
- Every step is an event on the application's timeline and in the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from portal.domain.accounts.actor import Actor
from portal.domain.audit import trail
from portal.domain.core.clock import today, utcnow
from portal.domain.core.db import reading, transaction
from portal.domain.core.errors import DomainError, FieldErrors, NotAllowed
from portal.domain.points import audits, carried, claims
from portal.domain.registry.tables import RegistryRecord
from portal.domain.renewal import eligibility
from portal.domain.renewal.tables import (
    ApplicationStatus,
    Certificate,
    RenewalApplication,
    RenewalEvent,
)
from portal.domain.rules import versions


def record_facts(record: RegistryRecord | Row) -> eligibility.RecordFacts:
    """The record's facts the eligibility rules read."""
    return eligibility.RecordFacts(
        record.valid_from, record.valid_until, record.status, record.newsletter
    )


def record_eligibility(
    db: Session | Connection, record: RegistryRecord | Row, on: dt.date
) -> eligibility.Eligibility:
    """One record's eligibility on a day, from its claims, under its period's rules."""
    rules = versions.book(db).for_period(record.valid_from, record.category)
    facts = claims.record_claims(db, record)
    brought = carried.into(db, record.id, record.valid_from)
    return eligibility.evaluate_claims(record_facts(record), facts, on, rules, brought)


def snapshot(result: eligibility.Eligibility, on: dt.date) -> dict:
    """An eligibility as JSON-safe values, to keep with an application."""

    def plain(value: object) -> object:
        return value.isoformat() if isinstance(value, dt.date) else value

    rules = result.rules
    return {
        "on": on.isoformat(),
        "can_apply": result.can_apply,
        "rule_set": {
            "id": rules.rule_set_id,
            "effective_from": plain(rules.effective_from),
        }
        if rules is not None
        else None,
        "requirements": [
            {"code": r.code, "met": r.met, "facts": {k: plain(v) for k, v in r.facts.items()}}
            for r in result.requirements
        ],
    }


@dataclass(frozen=True)
class TimelineStep:
    kind: str
    at: dt.datetime
    by_staff: bool
    message: str


@dataclass(frozen=True)
class ApplicationView:
    id: int
    status: str
    cycle_end: dt.date
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    reason: str
    mailing: dict
    certificate_number: str
    timeline: list[TimelineStep]


@dataclass(frozen=True)
class CertificateView:
    number: str
    valid_from: dt.date
    valid_until: dt.date
    issued_at: dt.datetime
    mailing_status: str
    mailed_on: dt.date | None


@dataclass(frozen=True)
class MyRenewal:
    """Everything the dashboard and the renewal page show about the registrant's renewal."""

    registration_number: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    status: str
    eligibility: eligibility.Eligibility
    mailing: dict
    application: ApplicationView | None  # the newest application, any cycle
    applied_this_cycle: bool
    certificates: list[CertificateView]
    under_audit: tuple[audits.RecordAudit, ...] = ()  # claims that count while audited

    @property
    def may_apply(self) -> bool:
        """Every requirement met and no live application for this period yet."""
        return self.eligibility.can_apply and not self.applied_this_cycle


def mailing_of(record: RegistryRecord | Row) -> dict:
    """Where a certificate for this record is sent."""
    return {
        "name": f"{record.family_name} {record.given_name}".strip(),
        "postal_code": record.postal_code,
        "address": record.address,
    }


_TIMELINE = (
    select(RenewalEvent.__table__)
    .where(RenewalEvent.application_id == bindparam("application_id"))
    .order_by(col(RenewalEvent.at), col(RenewalEvent.id))
)


def application_view(
    db: Session | Connection, app: RenewalApplication | Row, certificate_number: str | None = None
) -> ApplicationView:
    """An application with its timeline and its certificate's number, if one was issued
    (looked up unless the caller already knows it)."""
    events = db.execute(_TIMELINE, {"application_id": app.id}).all()
    if certificate_number is None:
        certificate_number = db.execute(
            select(Certificate.number).where(Certificate.application_id == app.id)
        ).scalar()
    return ApplicationView(
        id=app.id,
        status=app.status,
        cycle_end=app.cycle_end,
        submitted_at=app.submitted_at,
        decided_at=app.decided_at,
        reason=app.reason,
        mailing=dict(app.mailing),
        certificate_number=certificate_number or "",
        timeline=[TimelineStep(e.kind, e.at, e.by_staff, e.message) for e in events],
    )


def _live(db: Session | Connection, record: Row) -> Row | None:
    return db.execute(
        select(RenewalApplication.id).where(
            RenewalApplication.record_id == record.id,
            RenewalApplication.cycle_end == record.valid_until,
            col(RenewalApplication.status).in_(
                (ApplicationStatus.SUBMITTED, ApplicationStatus.APPROVED)
            ),
        )
    ).first()


_APPLICATIONS = (
    select(RenewalApplication.__table__)
    .where(RenewalApplication.record_id == bindparam("record_id"))
    .order_by(col(RenewalApplication.submitted_at).desc(), col(RenewalApplication.id).desc())
)
_CERTIFICATES = (
    select(Certificate.__table__)
    .where(Certificate.record_id == bindparam("record_id"))
    .order_by(col(Certificate.valid_from).desc())
)
_LIVE_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.APPROVED)


def mine(actor: Actor, on: dt.date | None = None) -> MyRenewal:
    """The signed-in registrant's renewal standing, application and certificates."""
    with reading() as db:  # plain columns: the dashboard asks on every visit
        return mine_in(db, actor, on or today())


def standing(actor: Actor, on: dt.date | None = None) -> MyRenewal | None:
    """`mine()` without the certificates (the application's certificate number left empty),
    or None for an account without a record: the registrants' most visited page asks it on
    every visit and shows neither."""
    try:
        with reading() as db:
            return mine_in(db, actor, on or today(), with_certificates=False)
    except NotAllowed:
        return None


def mine_in(
    db: Session | Connection, actor: Actor, on: dt.date, with_certificates: bool = True
) -> MyRenewal:
    """`mine()` on an open connection (five queries, four without the certificates; one
    more with an application)."""
    record = claims.own_record(db, actor)
    applications = db.execute(_APPLICATIONS, {"record_id": record.id}).all()
    certificates = (
        db.execute(_CERTIFICATES, {"record_id": record.id}).all() if with_certificates else []
    )
    return MyRenewal(
        registration_number=record.registration_number,
        valid_from=record.valid_from,
        valid_until=record.valid_until,
        status=record.status,
        eligibility=record_eligibility(db, record, on),
        under_audit=tuple(audits.of_record(db, record.id, open_only=True)),
        mailing=mailing_of(record),
        application=application_view(
            db,
            applications[0],
            next((c.number for c in certificates if c.application_id == applications[0].id), ""),
        )
        if applications
        else None,
        applied_this_cycle=any(
            a.cycle_end == record.valid_until and a.status in _LIVE_STATUSES for a in applications
        ),
        certificates=[
            CertificateView(
                c.number, c.valid_from, c.valid_until, c.issued_at, c.mailing_status, c.mailed_on
            )
            for c in certificates
        ],
    )


def apply(actor: Actor, declared: bool, on: dt.date | None = None) -> int:
    """Submit a renewal application for the current cycle; returns its id."""
    on = on or today()
    if declared is not True:
        raise FieldErrors({"declare": ("renewal.declare_required", {})})
    with transaction() as db:
        record = claims.own_record(db, actor)
        if _live(db, record) is not None:
            raise DomainError("renewal.already_applied")
        result = record_eligibility(db, record, on)
        if not result.can_apply:
            raise DomainError("renewal.not_eligible")
        mailing = mailing_of(record)
        if not mailing["postal_code"] or not mailing["address"]:
            raise DomainError("renewal.no_address", field="address")
        app = RenewalApplication(
            record_id=record.id,
            cycle_end=record.valid_until,
            snapshot=snapshot(result, on),
            mailing=mailing,
        )
        db.add(app)
        try:
            db.flush()
        except IntegrityError as exc:
            raise DomainError("renewal.already_applied") from exc
        db.add(RenewalEvent(application_id=app.id, kind="submitted", actor_id=actor.account_id))
        trail.record(db, "renewal.applied", actor, target=f"renewal:{app.id}")
        return app.id


def withdraw(actor: Actor, application_id: int) -> None:
    """Withdraw the registrant's own application while it waits for a decision."""
    if not isinstance(application_id, int):
        raise DomainError("renewal.not_withdrawable")
    with transaction() as db:
        record = claims.own_record(db, actor)
        changed = db.execute(
            update(RenewalApplication)
            .where(
                col(RenewalApplication.id) == application_id,
                RenewalApplication.record_id == record.id,
                RenewalApplication.status == ApplicationStatus.SUBMITTED,
            )
            .values(status=ApplicationStatus.WITHDRAWN, decided_at=utcnow())
        ).rowcount
        if not changed:
            raise DomainError("renewal.not_withdrawable")
        db.add(
            RenewalEvent(application_id=application_id, kind="withdrawn", actor_id=actor.account_id)
        )
        trail.record(db, "renewal.withdrawn", actor, target=f"renewal:{application_id}")
