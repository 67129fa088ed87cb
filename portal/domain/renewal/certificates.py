"""Renewal certificates: numbers, the PDF, and the public verification of a number.

Guarantees:
- A certificate number is unguessable (`YYYY-XXXX-XXXX`, 40 random bits from an
  alphabet without look-alike characters), so the public verification page
  cannot be walked to list the registry.
- The PDF is drawn only from the certificate's own columns (name, numbers,
  period as issued) in the requested language, with a Japanese font embedded so
  the holder's name prints as written, and a QR code of `/verify/<number>`.
- `verify()` reveals the holder's name, registration number, period and live
  status — nothing else — and None for an unknown number.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import secrets
from dataclasses import dataclass

import segno
from fpdf import FPDF
from sqlmodel import Session, col, func, select

from portal.domain.accounts.actor import Actor
from portal.domain.core import paths
from portal.domain.core.clock import local_date
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError
from portal.domain.registry.tables import RecordStatus, RegistryRecord
from portal.domain.renewal.tables import Certificate
from portal.i18n import format_date, translate
from portal.settings import get_settings

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_NUMBER = re.compile(r"^\d{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$")


def new_number(valid_from: dt.date) -> str:
    """A fresh certificate number for a period starting on `valid_from`."""
    part = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"{valid_from.year:04d}-{part[:4]}-{part[4:]}"


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (28 February for a 29 February that does not recur)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def next_period(old_end: dt.date, years: int) -> tuple[dt.date, dt.date]:
    """The validity period that follows one ending on `old_end`: from the next day, `years` long."""
    start = old_end + dt.timedelta(days=1)
    return start, add_years(start, years) - dt.timedelta(days=1)


def verify_url(number: str) -> str:
    """The public address that checks a certificate number."""
    return f"{get_settings().base_url}{paths.VERIFY}/{number}"


@dataclass(frozen=True)
class Verification:
    number: str
    holder_name: str
    registration_number: str
    valid_from: dt.date
    valid_until: dt.date
    status: str  # valid | expired | withdrawn | superseded


def _status(db: Session, cert: Certificate, today: dt.date) -> str:
    record = db.get(RegistryRecord, cert.record_id)
    if record is None or record.status == RecordStatus.WITHDRAWN:
        return "withdrawn"
    newest = db.exec(
        select(func.max(Certificate.valid_until)).where(Certificate.record_id == cert.record_id)
    ).one()
    if newest is not None and newest > cert.valid_until:
        return "superseded"
    if today > cert.valid_until or record.status == RecordStatus.EXPIRED:
        return "expired"
    return "valid"  # also before its period starts: a renewal issued early is genuine and held


def _find(db: Session, number: object) -> Certificate | None:
    """The certificate a typed number names (any case, spaces around), or None."""
    number = number.strip().upper() if isinstance(number, str) else ""
    if not _NUMBER.match(number):
        return None
    return db.exec(select(Certificate).where(Certificate.number == number)).first()


def verify(number: str, today: dt.date) -> Verification | None:
    """What the public may know of a certificate number, or None when there is no such number."""
    with transaction() as db:
        cert = _find(db, number)
        if cert is None:
            return None
        return Verification(
            number=cert.number,
            holder_name=cert.holder_name,
            registration_number=cert.registration_number,
            valid_from=cert.valid_from,
            valid_until=cert.valid_until,
            status=_status(db, cert, today),
        )


def readable(actor: Actor, number: str) -> Certificate:
    """The certificate, if the principal is staff or its holder; DomainError otherwise."""
    with transaction() as db:
        cert = _find(db, number)
        if cert is None:
            raise DomainError("certificate.unknown")
        if not actor.is_staff:
            owner = db.exec(
                select(RegistryRecord.account_id).where(col(RegistryRecord.id) == cert.record_id)
            ).first()
            if owner != actor.account_id:
                raise DomainError("certificate.unknown")
        db.expunge(cert)
        return cert


def pdf(cert: Certificate, language: str) -> bytes:
    """The certificate as a one-page A4 PDF in `language`."""
    font = get_settings().certificate_font
    if font is None:  # no Japanese font installed: refuse rather than print empty boxes
        raise DomainError("certificate.font_missing")
    doc = FPDF(orientation="P", unit="mm", format="A4")
    doc.set_title(translate("certificate.title", language))
    doc.set_creator(get_settings().association_name)
    doc.add_font("jp", "", str(font))
    doc.set_auto_page_break(False)
    doc.add_page()
    doc.set_draw_color(60, 70, 110)
    doc.set_line_width(1.2)
    doc.rect(10, 10, 190, 277)
    doc.set_line_width(0.3)
    doc.rect(13, 13, 184, 271)

    def centred(text: str, size: float, y: float) -> None:
        doc.set_font("jp", size=size)
        doc.set_xy(25, y)
        doc.multi_cell(160, size * 0.5, text, align="C")

    centred(get_settings().association_name, 13, 30)
    centred(translate("certificate.title", language), 26, 48)
    centred(translate("certificate.body", language), 11, 78)
    centred(cert.holder_name, 30, 100)
    if cert.holder_name_kana:
        centred(cert.holder_name_kana, 12, 120)
    rows = (
        ("certificate.registration_number", cert.registration_number),
        ("certificate.number", cert.number),
        (
            "certificate.period",
            translate(
                "certificate.period_value",
                language,
                start=format_date(cert.valid_from, language),
                end=format_date(cert.valid_until, language),
            ),
        ),
        ("certificate.issued_on", format_date(local_date(cert.issued_at), language)),
    )
    y = 148.0
    for key, value in rows:
        doc.set_font("jp", size=12)
        doc.set_xy(35, y)
        doc.cell(55, 8, translate(key, language))
        doc.cell(90, 8, value)
        y += 12
    url = verify_url(cert.number)
    qr = io.BytesIO()
    segno.make(url, error="m").save(qr, kind="png", scale=8, border=2)
    qr.seek(0)
    doc.image(qr, x=150, y=220, w=38, h=38)
    doc.set_font("jp", size=9)
    doc.set_xy(25, 232)
    doc.multi_cell(120, 5, translate("certificate.check", language) + "\n" + url)
    return bytes(doc.output())
