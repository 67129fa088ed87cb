"""The secretariat's side of renewal: the queue, decisions, certificates to mail.

Guarantees:
- Staff only (reviewers and admins).
- Exactly one decision per application: the status change is one conditional
  UPDATE; a second approval — a double click or another reviewer — is told the
  application was already decided and writes nothing, so there is one new
  period, one certificate, one mail.
- Approval moves the record to the period that starts the day after the old
  end (as long as that period's rules say), carries the old period's surplus into it
  when the old period's rules allow (`points.carried`), makes it active, records each changed
  field in the history, issues a certificate "to be mailed" and mails the
  registrant; rejection needs a reason and mails it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from sqlmodel import Session, col, func, select, update

from portal.domain.accounts import permissions
from portal.domain.accounts.actor import Actor
from portal.domain.audit import trail
from portal.domain.core import decisions
from portal.domain.core.clock import today, utcnow
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError
from portal.domain.points import audits, carried
from portal.domain.registrants import registry_search
from portal.domain.registrants.exports import safe_cell
from portal.domain.registry.records import shown
from portal.domain.registry.tables import RecordChange, RecordStatus, RegistryRecord
from portal.domain.renewal import certificates, eligibility, eligibility_batch, mails, renewals
from portal.domain.renewal.eligibility import Eligibility
from portal.domain.renewal.tables import (
    ApplicationStatus,
    Certificate,
    MailingStatus,
    RenewalApplication,
    RenewalEvent,
)
from portal.domain.rules import versions
from portal.domain.rules.rule_set import Rules

PER_PAGE = 50
STATUSES = tuple(s.value for s in ApplicationStatus)


@dataclass(frozen=True)
class QueueRow:
    id: int
    record_id: int
    number: str
    name: str
    cycle_end: dt.date
    submitted_at: dt.datetime
    status: str
    eligible_then: bool
    eligible_now: bool
    open_audits: int = 0  # claims under audit: they count until an audit fails


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    pages: int


def queue(actor: Actor, status: str = "submitted", page: int = 1, text: str = "") -> QueuePage:
    """Applications in one status, oldest first, one page, with eligibility then and now.

    `text` narrows to applicants whose name, kana, registration number or
    e-mail contains it (the registry search's matching).
    """
    permissions.require_staff(actor)
    status = status if status in STATUSES else ApplicationStatus.SUBMITTED
    page = page if isinstance(page, int) and page > 0 else 1
    text = text.strip()[:100] if isinstance(text, str) else ""
    with transaction() as db:
        conditions = [
            RenewalApplication.status == status,
            *registry_search.conditions_for(
                registry_search.RegistryQuery(text=text), db.get_bind().dialect.name
            ),
        ]
        on_record = col(RegistryRecord.id) == RenewalApplication.record_id
        total = db.exec(
            select(func.count())
            .select_from(RenewalApplication)
            .join(RegistryRecord, on_record)
            .where(*conditions)
        ).one()
        pages = max(1, -(-total // PER_PAGE))
        page = min(page, pages)
        found = db.exec(
            select(RenewalApplication, RegistryRecord)
            .join(RegistryRecord, on_record)
            .where(*conditions)
            .order_by(col(RenewalApplication.submitted_at), col(RenewalApplication.id))
            .offset((page - 1) * PER_PAGE)
            .limit(PER_PAGE)
        ).all()
        ids = [r.id for _, r in found]
        audited = audits.open_counts(db, ids)
    now = eligibility_batch.for_all(today(), versions.book(), ids)
    rows = [
        QueueRow(
            id=app.id,
            record_id=record.id,
            number=record.registration_number,
            name=f"{record.family_name} {record.given_name}",
            cycle_end=app.cycle_end,
            submitted_at=app.submitted_at,
            status=app.status,
            eligible_then=bool(app.snapshot.get("can_apply")),
            eligible_now=now[record.id].can_apply,
            open_audits=audited.get(record.id, 0),
        )
        for app, record in found
    ]
    return QueuePage(rows=rows, total=total, page=page, pages=pages)


@dataclass(frozen=True)
class Detail:
    application: renewals.ApplicationView
    record_id: int
    number: str
    name: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    snapshot: dict
    current: Eligibility


def detail(actor: Actor, application_id: int) -> Detail | None:
    """One application with the eligibility seen at submission and today's; None when unknown."""
    permissions.require_staff(actor)
    with transaction() as db:
        app = (
            db.get(RenewalApplication, application_id) if isinstance(application_id, int) else None
        )
        if app is None:
            return None
        record = db.get(RegistryRecord, app.record_id)
        return Detail(
            application=renewals.application_view(db, app),
            record_id=record.id,
            number=record.registration_number,
            name=f"{record.family_name} {record.given_name}",
            valid_from=record.valid_from,
            valid_until=record.valid_until,
            snapshot=dict(app.snapshot),
            current=renewals.record_eligibility(db, record, today()),
        )


def _history(db: Session, record: RegistryRecord, values: dict, actor_id: int, reason: str) -> None:
    now = utcnow()
    for field, value in values.items():
        old = getattr(record, field)
        if old == value:
            continue
        db.add(
            RecordChange(
                record_id=record.id,
                section="certification",
                field=field,
                old_value=shown(old),
                new_value=shown(value),
                changed_by=actor_id,
                by_staff=True,
                reason=reason,
                changed_at=now,
            )
        )
        setattr(record, field, value)
    record.updated_at = now


def _unique_number(db: Session, start: dt.date) -> str:
    while True:
        number = certificates.new_number(start)
        if db.exec(select(Certificate.id).where(Certificate.number == number)).first() is None:
            return number


def _carry(
    db: Session,
    record: RegistryRecord,
    app: RenewalApplication,
    start: dt.date,
    held_to: Rules,
) -> int:
    """Carry the surplus of the period being renewed (held to `held_to`) into the one
    starting `start`, when those rules allow it; the points carried."""
    terms = held_to.carry_over
    if not terms.max_points:
        return 0
    late_from = eligibility.months_before(app.cycle_end, terms.last_months) + dt.timedelta(days=1)
    return carried.record(
        db,
        record.id,
        app.id,
        (record.valid_from, app.cycle_end),
        start,
        carried.Terms(
            held_to.points_required, held_to.cap_by_category, terms.max_points, late_from
        ),
    )


def decide(actor: Actor, application_id: int, action: str, reason: str = "") -> None:
    """Approve or reject one waiting application; see the module's guarantees."""
    permissions.require_staff(actor)
    if action not in ("approve", "reject") or not isinstance(application_id, int):
        raise DomainError("error.not_allowed")
    reason = decisions.reason(reason, action == "reject", "review.reason_required")
    status = ApplicationStatus.APPROVED if action == "approve" else ApplicationStatus.REJECTED
    now = utcnow()
    with transaction() as db:
        app = decisions.decide_once(
            db,
            RenewalApplication,
            application_id,
            ApplicationStatus.SUBMITTED,
            "review.already_decided",
            "renewal.unknown",
            status=status,
            decided_at=now,
            decided_by=actor.account_id,
            reason=reason,
        )
        db.add(
            RenewalEvent(
                application_id=app.id,
                kind=status,
                at=now,
                actor_id=actor.account_id,
                by_staff=True,
                message=reason,
            )
        )
        record = db.get(RegistryRecord, app.record_id)
        detail_values: dict = {}
        if status == ApplicationStatus.APPROVED:
            following = app.cycle_end + dt.timedelta(days=1)
            book = versions.book(db)
            rules = book.for_period(following, record.category)
            start, end = certificates.next_period(app.cycle_end, rules.validity_years)
            brought = _carry(
                db, record, app, start, book.for_period(record.valid_from, record.category)
            )
            _history(
                db,
                record,
                {"valid_from": start, "valid_until": end, "status": RecordStatus.ACTIVE},
                actor.account_id,
                f"renewal:{app.id}",
            )
            cert = Certificate(
                number=_unique_number(db, start),
                record_id=record.id,
                application_id=app.id,
                registration_number=record.registration_number,
                holder_name=f"{record.family_name} {record.given_name}".strip(),
                holder_name_kana=f"{record.family_name_kana} {record.given_name_kana}".strip(),
                valid_from=start,
                valid_until=end,
                issued_at=now,
            )
            db.add(cert)
            detail_values = {"certificate": cert.number, "valid_until": end.isoformat()}
            if brought:
                detail_values["carried"] = brought
        mails.renewal_decided(db, record, app, status, reason, detail_values)
        trail.record(db, f"renewal.{action}", actor, target=f"renewal:{app.id}", **detail_values)


@dataclass(frozen=True)
class MailingRow:
    certificate_id: int
    number: str
    registration_number: str
    name: str
    postal_code: str
    address: str
    issued_at: dt.datetime
    mailing_status: str
    mailed_on: dt.date | None


def _mailing_rows(db: Session, status: str, limit: int | None, offset: int = 0) -> list[MailingRow]:
    statement = (
        select(Certificate, RenewalApplication.mailing)
        .join(RenewalApplication, col(RenewalApplication.id) == Certificate.application_id)
        .where(Certificate.mailing_status == status)
        .order_by(col(Certificate.issued_at), col(Certificate.id))
        .offset(offset)
    )
    if limit is not None:
        statement = statement.limit(limit)
    return [
        MailingRow(
            certificate_id=c.id,
            number=c.number,
            registration_number=c.registration_number,
            name=mailing.get("name", c.holder_name),
            postal_code=mailing.get("postal_code", ""),
            address=mailing.get("address", ""),
            issued_at=c.issued_at,
            mailing_status=c.mailing_status,
            mailed_on=c.mailed_on,
        )
        for c, mailing in db.exec(statement).all()
    ]


def to_mail(actor: Actor) -> list[MailingRow]:
    """Issued certificates whose paper copy is still to be mailed, oldest first (first 200)."""
    permissions.require_staff(actor)
    with transaction() as db:
        return _mailing_rows(db, MailingStatus.TO_MAIL, 200)


def mark_mailed(actor: Actor, certificate_ids: list[int], on: dt.date | None = None) -> int:
    """Mark certificates as mailed on a day; returns how many changed."""
    permissions.require_staff(actor)
    ids = (
        [i for i in certificate_ids if isinstance(i, int)][:1000]
        if isinstance(certificate_ids, list)
        else []
    )
    if not ids:
        return 0
    on = on or today()
    with transaction() as db:
        changed = db.execute(
            update(Certificate)
            .where(
                col(Certificate.id).in_(ids), Certificate.mailing_status == MailingStatus.TO_MAIL
            )
            .values(mailing_status=MailingStatus.MAILED, mailed_on=on)
        ).rowcount
        if changed:
            trail.record(db, "certificate.mailed", actor, count=changed, ids=ids)
        return changed


LABEL_COLUMNS = ("postal_code", "address", "name", "registration_number", "certificate_number")


def mailing_labels(actor: Actor) -> bytes:
    """Every certificate still to be mailed as a label CSV (UTF-8 with BOM, formula-safe)."""
    permissions.require_staff(actor)
    with transaction() as db:
        rows = _mailing_rows(db, MailingStatus.TO_MAIL, None)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(LABEL_COLUMNS)
    for r in rows:
        writer.writerow(
            [
                safe_cell(v)
                for v in (r.postal_code, r.address, r.name, r.registration_number, r.number)
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")
