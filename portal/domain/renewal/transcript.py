"""The registrant's record of points for their validity period, as a PDF to keep or hand on.

Guarantees:
- `own()` reads only the signed-in registrant's own record (NotAllowed for anyone else),
  in one transaction, so the document is one moment's truth.
- The document lists every claim dated inside the current validity period — its date,
  activity, category, decision and the points counted — then what the points page says
  of them (a maximum that did not count some, points carried in and from where, what
  awaits review: `standing_text`) and each requirement of the period's rules, met or not,
  under the rules' name (`requirement_text`), in the reader's language.
- It is drawn with the certificate's Japanese font, so names print as written; without
  the font it is refused (`certificate.font_missing`) rather than printed as empty boxes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import TableCellFillMode
from fpdf.fonts import FontFace
from sqlmodel import col, select

from portal.domain.accounts.actor import Actor
from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError
from portal.domain.points import claims, points_rules
from portal.domain.points.tables import ActivityCategory, Claim
from portal.domain.renewal import renewals, requirement_text
from portal.domain.renewal.eligibility import Eligibility
from portal.domain.rules import standing, standing_text
from portal.i18n import format_date, translate
from portal.settings import get_settings


@dataclass(frozen=True)
class Entry:
    """One claim of the period."""

    day: dt.date
    title: str
    category: str  # its code
    status: str
    points_granted: int | None
    points_requested: int


@dataclass(frozen=True)
class Transcript:
    name: str
    number: str
    on: dt.date
    held: standing.Standing
    eligibility: Eligibility
    entries: tuple[Entry, ...]
    categories: dict[str, tuple[str, str]]  # code -> (English, Japanese) name


def own(actor: Actor) -> Transcript:
    """The signed-in registrant's transcript as of today."""
    day = today()
    with transaction() as db:
        record = claims.own_record(db, actor)
        held = standing.of(db, record)
        result = renewals.record_eligibility(db, record, day)
        inside = select(Claim).where(Claim.record_id == record.id)
        if record.valid_from is not None:
            inside = inside.where(Claim.activity_date >= record.valid_from)
        if record.valid_until is not None:
            inside = inside.where(Claim.activity_date <= record.valid_until)
        rows = db.exec(inside.order_by(col(Claim.activity_date), col(Claim.id))).all()
        views = claims.views(db, list(rows))
        names = {
            code: (en, ja)
            for code, en, ja in db.execute(
                select(ActivityCategory.code, ActivityCategory.name_en, ActivityCategory.name_ja)
            ).all()
        }
    entries = tuple(
        Entry(v.activity_date, v.title, v.category, v.status, v.points_granted, v.points_requested)
        for v in views
    )
    name = f"{record.family_name} {record.given_name}".strip()
    return Transcript(name, record.registration_number, day, held, result, entries, names)


def _points(entry: Entry) -> str:
    if entry.status == "approved":
        return str(entry.points_granted or 0)
    return f"({entry.points_requested})" if entry.status in points_rules.PENDING else "–"


def pdf(transcript: Transcript, lang: str) -> bytes:
    """The transcript as an A4 PDF in `lang` (as many pages as the claims need)."""
    font = get_settings().certificate_font
    if font is None:
        raise DomainError("certificate.font_missing")
    held = transcript.held
    names = {code: pair[1 if lang == "ja" else 0] for code, pair in transcript.categories.items()}
    doc = FPDF(orientation="P", unit="mm", format="A4")
    doc.set_title(translate("transcript.title", lang))
    doc.set_creator(get_settings().association_name)
    doc.add_font("jp", "", str(font))
    doc.set_margins(15, 15, 15)
    doc.set_auto_page_break(True, margin=15)
    doc.add_page()
    width = doc.epw

    def line(text: str, size: float = 10, gap: float = 1.5) -> None:
        doc.set_font("jp", size=size)
        doc.multi_cell(width, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        doc.ln(gap)

    line(get_settings().association_name, 10)
    line(translate("transcript.title", lang), 18, 4)
    period = translate(
        "certificate.period_value",
        lang,
        start=format_date(held.valid_from, lang) or "—",
        end=format_date(held.valid_until, lang) or "—",
    )
    for key, value in (
        ("transcript.holder", transcript.name),
        ("certificate.registration_number", transcript.number),
        ("transcript.period", period),
        ("transcript.as_of", format_date(transcript.on, lang)),
    ):
        line(f"{translate(key, lang)}: {value}", 10, 0.5)
    doc.ln(4)

    line(translate("transcript.claims", lang), 13, 2)
    if transcript.entries:
        doc.set_font("jp", size=9)
        headings = ("date", "activity", "category", "decision", "points")
        with doc.table(
            col_widths=(30, 66, 32, 32, 20),
            text_align=("LEFT", "LEFT", "LEFT", "LEFT", "RIGHT"),
            cell_fill_color=(240, 242, 248),
            cell_fill_mode=TableCellFillMode.ROWS,
            line_height=5,
            first_row_as_headings=True,
            headings_style=FontFace(family="jp", emphasis="", fill_color=(220, 224, 236)),
        ) as table:
            table.row([translate(f"transcript.column_{h}", lang) for h in headings])
            for entry in transcript.entries:
                table.row(
                    [
                        format_date(entry.day, lang),
                        entry.title,
                        names.get(entry.category, entry.category),
                        translate(f"claim_status.{entry.status}", lang),
                        _points(entry),
                    ]
                )
        doc.ln(2)
        line(translate("transcript.points_note", lang), 8, 3)
    else:
        line(translate("transcript.no_claims", lang), 10, 3)
    for sentence in standing_text.summary(held, names, lang)[1:]:
        line(sentence, 10, 0.5)
    doc.ln(4)

    line(translate("transcript.requirements", lang), 13, 1)
    title = requirement_text.rules_title(transcript.eligibility, lang)
    if title:
        line(title, 9, 2)
    for item in requirement_text.for_eligibility(transcript.eligibility, lang):
        mark = translate("transcript.met" if item.met else "transcript.not_met", lang)
        line(f"[{mark}] {item.title} — {item.fact}", 10, 0.5)
    return bytes(doc.output())
