"""The mail the organisations package sends its users: news of a proposal they made
(`proposal_*`) and of an attendance list they sent (`attendance_*`)."""

from __future__ import annotations

from sqlmodel import Session

from portal.domain.accounts.tables import Account
from portal.domain.organisations.tables import ActivityProposal, AttendanceReport
from portal.domain.outbox import post
from portal.domain.points.tables import Activity


def to_proposer(db: Session, proposal: ActivityProposal, template: str, **params: object) -> None:
    """Tell the user who proposed the activity (`template`, with its title)."""
    proposer = db.get(Account, proposal.proposed_by)
    post.enqueue(db, proposer.email, template, proposer.language, title=proposal.title, **params)


def to_sender(db: Session, report: AttendanceReport, template: str, **params: object) -> None:
    """Tell the user who sent the list (`template`, with the activity's title)."""
    sender = db.get(Account, report.submitted_by)
    activity = db.get(Activity, report.activity_id)
    post.enqueue(db, sender.email, template, sender.language, title=activity.title, **params)
