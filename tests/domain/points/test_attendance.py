import pytest
from sqlmodel import select

from portal.domain.audit.tables import AuditEvent
from portal.domain.core.db import transaction
from portal.domain.core.errors import NotAllowed
from portal.domain.points import attendance, claims
from portal.domain.rules import standing
from tests.support.catalogue import activity
from tests.support.people import number_of, registrant_principal, staff_principal


def test_attendance_credits_three_and_reports_the_rest(db):
    boss, _ = staff_principal("boss@example.com")
    people = [registrant_principal(f"p{n}@example.com") for n in range(4)]
    seminar = activity(boss, points=2)
    claims.submit_catalogue(people[3], seminar)  # an open claim: approved by the list
    numbers = [number_of(p) for p in people]
    text = "\r\n".join(
        ["登録番号", numbers[0], "ＮＯＰＥ１", numbers[1], numbers[0], numbers[2], numbers[3]]
    )
    data = text.encode("cp932")
    preview = attendance.plan(boss, seminar, data)
    assert [n for _, n, _ in preview.matched] == numbers[:3]
    assert [n for _, n, _ in preview.unknown] == ["NOPE1"]
    assert [line for line, _, _ in preview.repeated] == [5]
    assert [n for _, n, _ in preview.closing] == [numbers[3]] and preview.already == []
    attendance.apply(boss, seminar, data)
    for person in people[:3]:
        [credited] = claims.my_claims(person)
        assert credited.credited and credited.status == "approved"
        assert [e.kind for e in credited.timeline] == ["credited"]
        assert standing.own(person).count.counted == 2
    [claimed] = claims.my_claims(people[3])  # one claim, now approved: never a second credit
    assert (claimed.status, claimed.credited) == ("approved", False)
    assert [e.kind for e in claimed.timeline][-1] == "confirmed"
    assert standing.own(people[3]).count.counted == 2
    again = attendance.plan(boss, seminar, data)
    assert again.credits == 0 and len(again.already) == 4
    with transaction() as session:
        [event] = session.exec(
            select(AuditEvent).where(AuditEvent.action == "attendance.credited")
        ).all()
    assert event.detail["credited"] == 3 and event.detail["closed"] == 1
    assert event.detail["unknown"] == 1
    with pytest.raises(NotAllowed):
        attendance.apply(people[0], seminar, data)
