import asyncio
import datetime as dt
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import func, select

from portal.domain.accounts import throttle
from portal.domain.accounts.tables import Account, ThrottleHit
from portal.domain.audit.tables import AuditEvent
from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.registry import records
from portal.domain.registry.tables import RecordChange, RegistryRecord
from portal.domain.renewal import daily, expiry, reminders, renewals
from portal.domain.rules.rule_set import RuleBook
from portal.mail.render import render
from portal.settings import REMINDER_STAGES
from portal.web import daily_jobs
from tests import factories
from tests.domain.renewal.renewal_people import record_of, renewing
from tests.support import rules
from tests.support.people import acting_as, reviewer, staff_principal

BOOK = RuleBook((rules.FIRST,))


def test_each_stage_is_due_from_its_day_until_the_next():
    end = dt.date(2027, 3, 31)
    due = {
        day: reminders.due_stage(end, day, 6, REMINDER_STAGES)
        for day in (
            dt.date(2026, 9, 29),
            dt.date(2026, 9, 30),
            dt.date(2026, 12, 31),
            dt.date(2027, 2, 28),
            dt.date(2027, 3, 24),
            dt.date(2027, 3, 31),
            dt.date(2027, 4, 1),
            dt.date(2027, 4, 30),
            dt.date(2027, 5, 1),
        )
    }
    assert list(due.values()) == [
        None,
        "window_opens",
        "months_3",
        "month_1",
        "days_7",
        "days_7",
        "day_after",
        "day_after",
        None,
    ]


@given(st.dates(dt.date(2020, 1, 1), dt.date(2040, 12, 31)), st.integers(0, 400))
def test_the_due_stage_never_goes_backwards(end, offset):
    start = end - dt.timedelta(days=200)
    order = {s: i for i, s in enumerate(REMINDER_STAGES)}
    seen = [
        reminders.due_stage(end, start + dt.timedelta(days=d), 6, REMINDER_STAGES)
        for d in range(offset)
    ]
    ranks = [order[s] for s in seen if s]
    assert ranks == sorted(ranks)


def test_reminders_list_what_is_missing_and_are_sent_once(db):
    short_one = renewing("short@example.com", days_left=25, points=3, newsletter=False)
    renewing("ready@example.com", days_left=25)
    applied = renewing("applied@example.com", days_left=25)
    renewals.apply(applied, True)
    renewing("later@example.com", days_left=400)
    planned = reminders.plan(today())
    assert {(p.email, p.stage) for p in planned} == {
        ("short@example.com", "month_1"),
        ("ready@example.com", "month_1"),
    }
    short = next(p for p in planned if p.email == "short@example.com")
    assert short.missing == [
        "✗ Subscribed to the association newsletter — Not subscribed",
        "✗ At least 5 points counted — 3 of 5 points counted; 2 to go",
    ]
    assert reminders.send(planned) == 2
    assert reminders.plan(today()) == []
    assert reminders.send(planned) == 0  # a second run with a stale plan sends nothing new
    [mail] = factories.outbox("short@example.com", "renewal_reminder")
    assert "3 of 5 points" in mail.params["missing"] and mail.params["link"].endswith("/mypage")
    [ready] = factories.outbox("ready@example.com", "renewal_reminder")
    assert ready.params["missing"] == "You meet every requirement: you can apply now."
    [seen] = reminders.for_record(reviewer(), record_of(short_one).id)
    assert (seen.stage, seen.delivery) == ("month_1", "pending")


def _set(principal, account_status: str, record_email: str | None, *, unlink: bool = False):
    with transaction() as session:
        record = session.get(RegistryRecord, record_of(principal).id)
        account = session.get(Account, record.account_id)
        account.status, account.language = account_status, "ja"
        record.email = record_email
        if unlink:
            record.account_id = None


def test_registrants_without_a_portal_account_are_reminded_at_the_registry_address(db):
    _set(renewing("a@example.com", days_left=25), "invited", "invited.home@example.com")
    _set(renewing("b@example.com", days_left=25), "closed", "closed.home@example.com")
    _set(renewing("c@example.com", days_left=25), "disabled", "disabled.home@example.com")
    _set(renewing("d@example.com", days_left=25), "active", None, unlink=True)
    _set(renewing("e@example.com", days_left=25), "active", "paper@example.com", unlink=True)
    renewing("user@example.com", days_left=25)
    assert reminders.send(reminders.plan(today())) == 4
    activate = factories.outbox(template="renewal_reminder_activate")
    assert sorted(m.recipient for m in activate) == [
        "closed.home@example.com",
        "invited.home@example.com",
        "paper@example.com",
    ]
    invited = next(m for m in activate if m.recipient == "invited.home@example.com")
    mail = render("renewal_reminder_activate", invited.language, invited.params)
    assert invited.language == "ja" and "開設" in mail.body
    assert mail.body.count("http://localhost:3000/activate") == 1
    paper = next(m for m in activate if m.recipient == "paper@example.com")
    assert paper.language == "en" and "not opened your account" in render(
        "renewal_reminder_activate", "en", paper.params
    ).body.replace("\n", " ")
    [user] = factories.outbox(template="renewal_reminder")
    assert user.recipient == "user@example.com"


def test_expiry_after_grace_skips_waiting_applications_and_reinstated_records(db):
    boss, _ = staff_principal("boss@example.com")
    gone = renewing("gone@example.com", days_left=-1)
    waiting = renewing("waiting@example.com", days_left=30)
    renewals.apply(waiting, True)
    with transaction() as session:
        record = session.get(RegistryRecord, record_of(waiting).id)
        record.valid_until = today() - dt.timedelta(days=1)
    kept = renewing("kept@example.com", days_left=-3)
    with transaction() as session:
        session.get(RegistryRecord, record_of(kept).id).status = "expired"
    records.staff_apply(
        record_of(kept).id,
        "certification",
        {"status": "active"},
        acting_as(boss.account_id),
        reason="Reinstated by the board",
    )
    graced = RuleBook((replace(rules.FIRST, grace_days=2),))
    assert expiry.expire_records(today(), graced) == []
    assert expiry.expire_records(today(), BOOK, dry_run=True) == [record_of(gone).id]
    assert record_of(gone).status == "active"
    assert expiry.expire_records(today(), BOOK) == [record_of(gone).id]
    assert expiry.expire_records(today(), BOOK) == []
    assert (record_of(gone).status, record_of(waiting).status, record_of(kept).status) == (
        "expired",
        "active",
        "active",
    )
    with transaction() as session:
        [change] = session.exec(
            select(RecordChange).where(
                RecordChange.record_id == record_of(gone).id, RecordChange.reason == "expired"
            )
        ).all()
        audits = session.exec(
            select(AuditEvent.detail).where(AuditEvent.action == "registry.expired")
        ).all()
    assert (change.old_value, change.new_value) == ("active", "expired")
    assert audits == [{"count": 1, "on": today().isoformat()}]


def test_the_daily_run_happens_once_per_day(db, frozen):
    renewing("gone@example.com", days_left=-1)
    renewing("soon@example.com", days_left=6)
    with transaction() as session:  # a sign-in throttle hit from two days ago: spent
        throttle.allow(session, "signin-ip", "203.0.113.9", 50, dt.timedelta(minutes=15))
        spent = session.exec(select(func.count()).select_from(ThrottleHit)).one()
    frozen.advance(hours=48)
    assert daily.run_once(today()) == {
        "expired": 1,
        "reminders": 2,
        "audits_overdue": 0,
        "throttle_hits_pruned": spent,
    }
    assert daily.run_once(today()) is None
    assert len(factories.outbox(template="renewal_reminder")) == 2


def test_the_app_runs_the_day_in_a_child_process_once(db, monkeypatch):
    """The child (`portal daily`) finds the same database through the environment."""
    monkeypatch.setenv("PORTAL_DB_URL", db.url.render_as_string(hide_password=False))
    gone = renewing("gone@example.com", days_left=-1)
    renewing("soon@example.com", days_left=6)
    assert not daily.done(today())
    assert asyncio.run(daily_jobs.run_in_child()) == 0
    assert daily.done(today())
    assert record_of(gone).status == "expired"
    renewing("later@example.com", days_left=6)
    assert asyncio.run(daily_jobs.run_in_child()) == 0  # already run today: nothing more
    assert sorted(m.recipient for m in factories.outbox(template="renewal_reminder")) == [
        "gone@example.com",
        "soon@example.com",
    ]
