import datetime as dt
import io

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from sqlmodel import select

from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError
from portal.domain.registry.tables import RegistryRecord
from portal.domain.renewal import certificates, renewal_review, renewals
from portal.domain.renewal.tables import Certificate, RenewalApplication
from portal.settings import get_settings
from tests.domain.renewal.renewal_people import record_of, renewing
from tests.support.people import staff_principal


def issued(email: str = "me@example.com"):
    boss, _ = staff_principal(f"boss-{email}", "reviewer")
    me = renewing(email)
    renewal_review.decide(boss, renewals.apply(me, True), "approve")
    with transaction() as db:
        cert = db.exec(select(Certificate).where(Certificate.record_id == record_of(me).id)).one()
        db.expunge(cert)
    return me, boss, cert


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_pdf_names_the_holder_in_japanese_and_its_qr_code_opens_the_check(db, language):
    me, _, cert = issued()
    data = certificates.pdf(certificates.readable(me, cert.number), language)
    page = PdfReader(io.BytesIO(data)).pages[0]
    text = page.extract_text()
    assert "山田 花子" in text and cert.number in text and cert.registration_number in text
    assert ("資格更新証明書" if language == "ja" else "Certificate of Renewal") in text
    [image] = page.images
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)))
    assert code.text == f"{get_settings().base_url}/verify/{cert.number}"


def test_only_the_holder_and_staff_may_read_a_certificate(db):
    me, boss, cert = issued()
    stranger = renewing("stranger@example.com")
    assert certificates.readable(boss, cert.number).id == cert.id
    assert certificates.readable(me, cert.number.lower()).id == cert.id
    for principal, number in ((stranger, cert.number), (me, "2026-AAAA-AAAA"), (me, "../x")):
        with pytest.raises(DomainError):
            certificates.readable(principal, number)


def test_verification_shows_the_live_status_and_nothing_for_unknown_numbers(db):
    _, _, cert = issued()
    assert certificates.verify("2026-AAAA-AAAA", today()) is None
    assert certificates.verify("<script>", today()) is None
    before = certificates.verify(cert.number, today())
    assert (before.holder_name, before.status) == ("山田 花子", "valid")  # issued early
    assert certificates.verify(cert.number, cert.valid_from).status == "valid"
    assert certificates.verify(cert.number, cert.valid_until + dt.timedelta(days=1)).status == (
        "expired"
    )
    with transaction() as db:
        later = RenewalApplication(
            record_id=cert.record_id, cycle_end=cert.valid_until, status="approved"
        )
        db.add(later)
        db.flush()
        db.add(
            Certificate(
                number="2099-BBBB-BBBB",
                record_id=cert.record_id,
                application_id=later.id,
                registration_number=cert.registration_number,
                holder_name=cert.holder_name,
                valid_from=cert.valid_until + dt.timedelta(days=1),
                valid_until=cert.valid_until + dt.timedelta(days=1000),
            )
        )
    assert certificates.verify(cert.number, cert.valid_from).status == "superseded"
    with transaction() as db:
        record = db.get(RegistryRecord, cert.record_id)
        record.status = "withdrawn"
    assert certificates.verify(cert.number, cert.valid_from).status == "withdrawn"


def test_a_period_starting_on_a_leap_day_ends_the_day_before_its_anniversary():
    assert certificates.next_period(dt.date(2028, 2, 28), 3) == (
        dt.date(2028, 2, 29),
        dt.date(2031, 2, 27),
    )
    assert certificates.next_period(dt.date(2027, 3, 31), 3) == (
        dt.date(2027, 4, 1),
        dt.date(2030, 3, 31),
    )


def test_certificate_numbers_are_random_and_well_formed():
    numbers = {certificates.new_number(dt.date(2027, 4, 1)) for _ in range(200)}
    assert len(numbers) == 200
    assert all(n.startswith("2027-") and len(n) == 14 for n in numbers)
