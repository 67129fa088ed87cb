import datetime as dt

import pytest
from sqlalchemy.exc import DatabaseError
from sqlmodel import delete, select, update

from portal.domain.audit import trail
from portal.domain.audit.tables import AuditEvent
from portal.domain.core.db import transaction
from portal.domain.core.errors import NotAllowed
from portal.domain.staff import audit_log
from tests.support.people import acting_as, staff_principal


def add(action: str, actor_id=None, target="", **detail) -> None:
    with transaction() as db:
        trail.record(db, action, acting_as(actor_id), target=target, **detail)


def test_filters_and_keyset_pages_newest_first(db):
    boss, _ = staff_principal("boss@example.com")
    for n in range(60):
        add("record.changed", boss.account_id, target=f"record:{n % 3}", fields=["phone"])
    add("registry.exported", boss.account_id, rows=10)
    first = audit_log.page(boss, audit_log.AuditQuery(category="record"))
    assert len(first.entries) == audit_log.PER_PAGE and first.older
    assert first.entries[0].id > first.entries[-1].id  # newest first
    assert first.entries[0].actor == "Boss" and first.entries[0].detail == "fields=['phone']"
    second = audit_log.page(boss, audit_log.AuditQuery(category="record", before=first.older))
    assert len(second.entries) == 10 and second.older is None
    assert {e.action for e in first.entries + second.entries} == {"record.changed"}
    one = audit_log.page(boss, audit_log.AuditQuery(target="record:1"))
    assert len(one.entries) == 20
    by_actor = audit_log.page(boss, audit_log.AuditQuery(actor="BOSS@", category="registry"))
    assert [e.action for e in by_actor.entries] == ["registry.exported"]
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    assert audit_log.page(boss, audit_log.AuditQuery(date_from=tomorrow)).entries == []


def test_query_from_url_ignores_what_it_cannot_use():
    query = audit_log.query_from(
        {"category": "drop table", "before": "12x", "from": "2026/4/1", "actor": " a "}
    )
    assert query == audit_log.AuditQuery(actor="a", date_from=dt.date(2026, 4, 1))


def test_only_admins_read_it(db):
    reviewer, _ = staff_principal("rev@example.com", "reviewer")
    with pytest.raises(NotAllowed):
        audit_log.page(reviewer, audit_log.AuditQuery())


def test_nobody_can_change_or_remove_an_entry(db):
    add("signin.success")
    for statement in (update(AuditEvent).values(action="x"), delete(AuditEvent)):
        with pytest.raises(DatabaseError), transaction() as session:
            session.execute(statement)
    with transaction() as session:
        assert session.exec(select(AuditEvent.action)).all() == ["signin.success"]


def test_every_audited_action_has_a_kind_the_log_can_show():
    """The audit page names each event's kind by its action's first word: every action the
    code writes must be one of the kinds (else the page would show a message key)."""
    import re
    from pathlib import Path

    source = "\n".join(p.read_text() for p in Path("portal").rglob("*.py"))
    calls = re.findall(r'trail\.record\(\s*\w+,\s*"([a-z_]+)\.[a-z_]+"', source)
    chosen = re.findall(r'action = "([a-z_]+)\.[a-z_]+"', source)
    assert calls and chosen
    assert set(calls + chosen) <= set(audit_log.CATEGORIES)
