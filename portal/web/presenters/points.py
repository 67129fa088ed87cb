"""The registrant's points page: where they stand, what they can claim, their claims."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from portal.domain.core import paths
from portal.domain.points.catalogue import ActivityView
from portal.domain.points.claims import ClaimView
from portal.domain.points.tables import OPEN_STATUSES
from portal.i18n import format_date, format_datetime, translate

WAITING_FOR_REVIEW = ("submitted", "in_review")


@dataclass(frozen=True)
class OfferedActivity:
    """One catalogue activity the registrant may claim."""

    id: str
    title: str
    category: str
    date: str
    points: str
    claimed: bool  # a claim for it exists (not withdrawn): the button becomes a badge
    self_declared: bool  # its category counts claims at once (auditable)


@dataclass(frozen=True)
class ClaimEvent:
    """One step of a claim's timeline."""

    when: str
    what: str
    message: str
    points: str


@dataclass(frozen=True)
class EvidenceFile:
    """A file attached to a claim, downloadable by its owner."""

    id: str
    name: str
    href: str


@dataclass(frozen=True)
class ClaimCard:
    """One of the registrant's claims, with its timeline and files."""

    id: str
    title: str
    category: str
    date: str
    points: str
    status: str
    status_text: str
    open: bool  # still open: files may be added, or it may be withdrawn
    audit: str  # where its audit stands, in words ("" when never drawn)
    audit_open: bool  # under audit: evidence may (still) be added
    asked: bool  # the secretariat asked a question the registrant may answer
    expected: str  # when a decision can be expected, while it waits for review
    timeline: list[ClaimEvent] = field(default_factory=list)
    files: list[EvidenceFile] = field(default_factory=list)


def offered(
    activities: Iterable[ActivityView], mine: Iterable[ClaimView], lang: str
) -> list[OfferedActivity]:
    """The claimable activities, each marked when the registrant has claimed it already."""
    claimed = {c.activity_id for c in mine if c.status != "withdrawn"}
    return [
        OfferedActivity(
            id=str(a.id),
            title=a.title,
            category=a.category.name(lang),
            date=format_date(a.ends_on, lang),
            points=translate("points.points", lang, points=a.points),
            claimed=a.id in claimed,
            self_declared=a.category.self_declared,
        )
        for a in activities
    ]


def claim_cards(
    mine: Iterable[ClaimView], names: Mapping[str, str], lang: str, review_days: int
) -> list[ClaimCard]:
    """The registrant's claims, newest first as the domain lists them."""
    return [_card(c, names, lang, review_days) for c in mine]


def _card(c: ClaimView, names: Mapping[str, str], lang: str, review_days: int) -> ClaimCard:
    points = c.points_granted if c.points_granted is not None else c.points_requested
    return ClaimCard(
        id=str(c.id),
        title=c.title,
        category=names.get(c.category, c.category),
        date=format_date(c.activity_date, lang),
        points=translate("points.points", lang, points=points),
        status=c.status,
        status_text=translate(f"claim_status.{c.status}", lang),
        open=c.status in OPEN_STATUSES,
        audit=translate(f"points.audit_{c.audit_status}", lang, date=format_date(c.audit_due, lang))
        if c.audit_status
        else "",
        audit_open=c.audit_status in ("waiting", "sent"),
        asked=c.status == "info_requested",
        expected=translate("points.expected", lang, count=review_days)
        if c.status in WAITING_FOR_REVIEW
        else "",
        timeline=[
            ClaimEvent(
                when=format_datetime(e.at, lang),
                what=translate(f"claim_event.{e.kind}", lang),
                message=e.message,
                points=translate("points.points", lang, points=e.points)
                if e.points is not None
                else "",
            )
            for e in c.timeline
        ],
        files=[EvidenceFile(str(i), n, f"{paths.EVIDENCE}/{i}") for i, n in c.files],
    )
