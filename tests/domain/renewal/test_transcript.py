"""The registrant's record of points (PDF): every claim of the period with its decision,
what a maximum did not count, and each requirement met or not — in either language, to
the registrant alone."""

import io

import pytest
from pypdf import PdfReader

from portal.domain.core.db import transaction
from portal.domain.core.errors import NotAllowed
from portal.domain.registry.tables import RegistryRecord
from portal.domain.renewal import transcript
from tests.domain.renewal.renewal_people import ask, grant, record_of, renewing
from tests.support.people import staff_principal


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def with_claims(email: str):
    me = renewing(email, points=4)  # 2 from the course, 2 from seminars
    with transaction() as db:
        record = db.get(RegistryRecord, record_of(me).id)
        grant(db, record, "other", 3, days_ago=40)  # at most 2 of these count
        ask(db, record, "other", 1, days_ago=5)
        grant(db, record, "seminar", 9, days_ago=4000)  # before the period: not listed
    return me


def test_the_transcript_lists_the_period_and_says_where_the_registrant_stands(db):
    me = with_claims("me@example.com")
    found = transcript.own(me)
    assert [e.category for e in found.entries].count("other") == 2  # the old seminar is out
    text = text_of(transcript.pdf(found, "en"))
    assert "Continuing-education record" in text and "山田 花子" in text
    assert record_of(me).registration_number in text
    assert "mandatory_course 2" in text and "Approved" in text and "(1)" in text
    assert "Other activity" in text and "2 count" in text  # the maximum's sentence
    assert "[met] At least 5 points counted" in text
    assert "6 of 5 points counted" in text
    ja = text_of(transcript.pdf(found, "ja"))
    assert "継続教育の記録" in ja and "更新要件" in ja and "[達成]" in ja


def test_only_a_registrant_has_a_transcript(db):
    boss, _ = staff_principal("boss@example.com", "reviewer")
    with pytest.raises(NotAllowed):
        transcript.own(boss)
