"""Attendance lists an organisation reports for its own activities, and the secretariat's
confirmation.

Guarantees:
- An organisation reports only for activities of its own approved proposals, once they
  have taken place, and sees only its own lists. Its preview shows what it uploaded, sorted
  (to credit, open claim to approve, not found — an unknown number and a name that does not
  match the number get the same answer —, already credited, outside the registrant's
  validity period, repeated); it never shows a registrant's data. "Outside validity" and
  "already credited" are said only of lines whose number and name both match. Previews
  are capped per organisation and hour, each audited with its line and match counts, and
  a list is at most MAX_LINES lines / MAX_BYTES.
- A submitted list waits for the secretariat, who confirms it (points credited in one
  transaction, as the secretariat's own lists are, each credit marked on the registrant's
  timeline as reported by the organisation; open claims close as approved instead of a
  second credit) or returns it with a reason; a list is decided once, even when two staff
  confirm at the same moment. With PORTAL_ATTENDANCE_AUTO_CREDIT the list is confirmed on
  submission.
- The lines are stored in the database (no uploaded file is kept); every step is in the
  audit log and mailed to the organisation user who submitted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from portal.domain.accounts import throttle
from portal.domain.accounts.actor import Actor
from portal.domain.audit import trail
from portal.domain.core import decisions
from portal.domain.core.clock import today, utcnow
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, NotAllowed
from portal.domain.organisations import mails
from portal.domain.organisations.area import own_organisation
from portal.domain.organisations.tables import (
    ActivityProposal,
    AttendanceReport,
    Organisation,
    ReportStatus,
)
from portal.domain.points import attendance
from portal.domain.points.attendance import AttendancePlan
from portal.domain.points.tables import Activity
from portal.settings import get_settings

MAX_BYTES = 1024 * 1024  # far above a real list (a line is ~30 bytes)
MAX_LINES = 2_000  # attendees of the largest seminar an association runs
PREVIEWS_PER_HOUR = 30
PREVIEW_WINDOW = dt.timedelta(hours=1)


@dataclass(frozen=True)
class ReportView:
    id: int
    organisation: str
    activity_id: int
    activity: str
    file_name: str
    status: str
    counts: dict[str, int]
    reason: str
    created_at: dt.datetime
    decided_at: dt.datetime | None


@dataclass(frozen=True)
class ReportableActivity:
    id: int
    title: str
    starts_on: dt.date
    ends_on: dt.date
    points: int
    taken_place: bool


def _own_activity(db: Session, actor: Actor, activity_id: object) -> tuple:
    """(organisation, activity) when the activity came from the organisation's approved
    proposal; an unknown id and another organisation's activity look the same."""
    organisation = own_organisation(db, actor)
    activity = None
    if isinstance(activity_id, int):
        activity = db.exec(
            select(Activity)
            .join(ActivityProposal, col(ActivityProposal.activity_id) == Activity.id)
            .where(Activity.id == activity_id)
            .where(ActivityProposal.organisation_id == organisation.id)
        ).first()
    if activity is None:
        raise DomainError("catalogue.unknown")
    return organisation, activity


def reportable(actor: Actor) -> list[ReportableActivity]:
    """The organisation's activities in the catalogue, newest first."""
    with transaction() as db:
        organisation = own_organisation(db, actor)
        rows = db.exec(
            select(Activity)
            .join(ActivityProposal, col(ActivityProposal.activity_id) == Activity.id)
            .where(ActivityProposal.organisation_id == organisation.id)
            .order_by(col(Activity.starts_on).desc(), col(Activity.id).desc())
        ).all()
        day = today()
        return [
            ReportableActivity(a.id, a.title, a.starts_on, a.ends_on, a.points, a.ends_on <= day)
            for a in rows
        ]


def _planned(db: Session, actor: Actor, activity_id: int, data: bytes) -> tuple:
    """(organisation, activity, lines, plan) of a list for one of the organisation's
    activities that has taken place; every line must name its attendee; the file is at
    most MAX_BYTES and MAX_LINES, the size of a real attendance list."""
    organisation, activity = _own_activity(db, actor, activity_id)
    if activity.ends_on > today():
        raise DomainError("attendance.not_yet")
    if len(data) > MAX_BYTES:
        raise DomainError("import.too_large", mb=MAX_BYTES // (1024 * 1024))
    lines = attendance.read_lines(data)
    if len(lines) > MAX_LINES:
        raise DomainError("attendance.too_many_lines", count=MAX_LINES)
    if any(not name for _, _, name in lines):
        raise DomainError("attendance.names_required")
    plan = attendance.plan_lines(db, activity, lines, check_names=True)
    return organisation, activity, lines, plan


def preview(actor: Actor, activity_id: int, data: bytes) -> AttendancePlan:
    """What the list would do if the secretariat confirmed it now. Saves nothing but the
    audit entry (who, how many lines, how many matched); an organisation may check at most
    PREVIEWS_PER_HOUR lists an hour, so previews cannot be used to search the registry."""
    with transaction() as db:
        organisation, _ = _own_activity(db, actor, activity_id)
        if not throttle.allow(
            db, "attendance-preview", str(organisation.id), PREVIEWS_PER_HOUR, PREVIEW_WINDOW
        ):
            raise DomainError("attendance.too_many_previews", count=PREVIEWS_PER_HOUR)
    with transaction() as db:
        _, _, lines, plan = _planned(db, actor, activity_id, data)
        found = attendance.counts(plan)
        trail.record(
            db,
            "organisation.attendance_previewed",
            actor,
            target=f"activity:{activity_id}",
            lines=len(lines),
            matched=found["credited"] + found["closed"] + found["already"] + found["outside"],
        )
        return plan


def submit(actor: Actor, activity_id: int, data: bytes, file_name: str = "") -> int:
    """Send the list to the secretariat (or credit it at once with
    PORTAL_ATTENDANCE_AUTO_CREDIT); returns the report's id."""
    with transaction() as db:
        organisation, activity, lines, plan = _planned(db, actor, activity_id, data)
        if plan.credits == 0:
            raise DomainError("attendance.nothing_to_credit")
        report = AttendanceReport(
            organisation_id=organisation.id,
            activity_id=activity.id,
            submitted_by=actor.account_id,
            file_name=(file_name or "")[:200],
            lines=[list(line) for line in lines],
            counts=attendance.counts(plan),
        )
        db.add(report)
        db.flush()
        trail.record(
            db,
            "organisation.attendance_submitted",
            actor,
            target=f"activity:{activity.id}",
            report=report.id,
            **attendance.counts(plan),
        )
        if get_settings().attendance_auto_credit:
            _confirm(db, report.id, actor, by_staff=False)
        else:
            mails.to_sender(db, report, "attendance_received")
        return report.id


def _view(report: AttendanceReport, organisation: str, activity: str) -> ReportView:
    return ReportView(
        report.id,
        organisation,
        report.activity_id,
        activity,
        report.file_name,
        report.status,
        dict(report.counts),
        report.reason,
        report.created_at,
        report.decided_at,
    )


def of_my_organisation(actor: Actor) -> list[ReportView]:
    """The organisation's lists, newest first."""
    with transaction() as db:
        organisation = own_organisation(db, actor)
        rows = db.exec(
            select(AttendanceReport, Activity.title)
            .join(Activity, col(Activity.id) == AttendanceReport.activity_id)
            .where(AttendanceReport.organisation_id == organisation.id)
            .order_by(col(AttendanceReport.created_at).desc(), col(AttendanceReport.id).desc())
        ).all()
        return [_view(r, organisation.name, title) for r, title in rows]


def waiting(actor: Actor) -> list[ReportView]:
    """Lists waiting for the secretariat, oldest first (staff)."""
    if not actor.is_staff:
        raise NotAllowed()
    with transaction() as db:
        rows = db.exec(
            select(AttendanceReport, Organisation.name, Activity.title)
            .join(Organisation, col(Organisation.id) == AttendanceReport.organisation_id)
            .join(Activity, col(Activity.id) == AttendanceReport.activity_id)
            .where(AttendanceReport.status == ReportStatus.SUBMITTED)
            .order_by(col(AttendanceReport.created_at), col(AttendanceReport.id))
        ).all()
        return [_view(r, name, title) for r, name, title in rows]


def _claim(db: Session, report_id: int, actor_id: int | None, **values) -> AttendanceReport:
    """Move a waiting list to its decision; DomainError when it is not waiting."""
    return decisions.decide_once(
        db,
        AttendanceReport,
        report_id,
        ReportStatus.SUBMITTED,
        "attendance.already_decided",
        "attendance.unknown_list",
        decided_by=actor_id,
        decided_at=utcnow(),
        **values,
    )


def _confirm(db: Session, report_id: int, actor: Actor, by_staff: bool) -> AttendancePlan:
    """Decide a waiting list as confirmed and credit it, planned again against today's
    registry and claims: by staff, or (`by_staff` false) on submission by `actor`."""
    staff_id = actor.account_id if by_staff else None
    report = _claim(db, report_id, staff_id, status=ReportStatus.CONFIRMED)
    organisation = db.get(Organisation, report.organisation_id)
    activity = db.get(Activity, report.activity_id)
    lines = [tuple(line) for line in report.lines]
    plan = attendance.plan_lines(db, activity, lines, check_names=True)
    try:
        attendance.credit(
            db,
            activity,
            plan,
            staff_id,
            by_staff=by_staff,
            reported_by=organisation.name,
        )
    except IntegrityError as exc:  # another list credited one of them at this moment
        raise DomainError("attendance.conflict") from exc
    report.counts = attendance.counts(plan)
    mails.to_sender(db, report, "attendance_confirmed", count=plan.credits)
    trail.record(
        db,
        "organisation.attendance_confirmed",
        actor,
        target=f"activity:{activity.id}",
        report=report.id,
        **attendance.counts(plan),
    )
    return plan


def confirm(actor: Actor, report_id: int) -> AttendancePlan:
    """Credit a waiting list (staff)."""
    if not actor.is_staff:
        raise NotAllowed()
    with transaction() as db:
        return _confirm(db, report_id, actor, by_staff=True)


def send_back(actor: Actor, report_id: int, reason: object) -> None:
    """Return a waiting list to its organisation with a reason (staff)."""
    if not actor.is_staff:
        raise NotAllowed()
    why = decisions.reason(reason, required=True)
    with transaction() as db:
        report = _claim(db, report_id, actor.account_id, status=ReportStatus.RETURNED, reason=why)
        mails.to_sender(db, report, "attendance_returned", reason=why)
        trail.record(
            db,
            "organisation.attendance_returned",
            actor,
            target=f"activity:{report.activity_id}",
            report=report.id,
        )
