import threading
from urllib.parse import parse_qs, urlparse

import pytest
from sqlmodel import col, select

from portal.domain.accounts import password_reset, sessions, signin
from portal.domain.accounts.tables import Account
from portal.domain.audit.tables import AuditEvent
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors, NotAllowed
from portal.domain.staff import staff_accounts
from tests import factories
from tests.support.people import HERE, STAFF_PASSWORD, staff_principal


def account(email: str) -> Account:
    with transaction() as db:
        return db.exec(select(Account).where(Account.email == email)).one()


def test_an_invited_staff_member_chooses_a_password_and_becomes_active(db):
    boss, _ = staff_principal("boss@example.com")
    new_id = staff_accounts.invite(boss, "New@Example.com", "New Clerk", "reviewer", "ja")
    invited = account("new@example.com")
    assert (invited.id, invited.status, invited.role) == (new_id, "invited", "reviewer")
    [mail] = factories.outbox("new@example.com", "staff_invite")
    assert mail.language == "ja" and mail.params["inviter"] == "Boss"
    token = parse_qs(urlparse(mail.params["link"]).query)["token"][0]
    assert not signin.check_password("new@example.com", STAFF_PASSWORD, HERE).ok  # no password yet
    password_reset.complete(token, STAFF_PASSWORD, STAFF_PASSWORD, HERE)
    assert account("new@example.com").status == "active"
    assert signin.check_password("new@example.com", STAFF_PASSWORD, HERE).ok


def test_invitation_input_is_checked_per_field(db):
    boss, _ = staff_principal("boss@example.com")
    with pytest.raises(FieldErrors) as refused:
        staff_accounts.invite(boss, "not-an-address", " ", "owner", "en")
    assert set(refused.value.fields) == {"email", "name", "role"}
    with pytest.raises(DomainError) as taken:
        staff_accounts.invite(boss, "boss@example.com", "Twin", "admin", "en")
    assert taken.value.key == "email.taken"


def test_reviewers_manage_nothing(db):
    reviewer, _ = staff_principal("rev@example.com", "reviewer")
    boss, _ = staff_principal("boss@example.com")
    for attempt in (
        lambda: staff_accounts.members(reviewer),
        lambda: staff_accounts.invite(reviewer, "x@example.com", "X", "admin", "en"),
        lambda: staff_accounts.change_role(reviewer, reviewer.account_id, "admin"),
        lambda: staff_accounts.deactivate(reviewer, boss.account_id),
    ):
        with pytest.raises(NotAllowed):
            attempt()
    assert account("rev@example.com").role == "reviewer"


def test_nobody_changes_their_own_role_or_deactivates_themselves(db):
    boss, _ = staff_principal("boss@example.com")
    other, _ = staff_principal("other@example.com")
    for attempt in (
        lambda: staff_accounts.change_role(boss, boss.account_id, "reviewer"),
        lambda: staff_accounts.deactivate(boss, boss.account_id),
    ):
        with pytest.raises(DomainError) as refused:
            attempt()
        assert refused.value.key == "staff.not_yourself"
    staff_accounts.change_role(boss, other.account_id, "reviewer")
    assert account("other@example.com").role == "reviewer"
    assert account("boss@example.com").role == "admin"


def test_deactivation_ends_sessions_at_once_and_is_audited(db):
    boss, _ = staff_principal("boss@example.com")
    victim, secret = staff_principal("leaving@example.com", "reviewer")
    assert sessions.resolve(secret) is not None
    staff_accounts.deactivate(boss, victim.account_id)
    assert sessions.resolve(secret) is None
    assert not signin.check_password("leaving@example.com", STAFF_PASSWORD, HERE).ok
    staff_accounts.reactivate(boss, victim.account_id)
    assert signin.check_password("leaving@example.com", STAFF_PASSWORD, HERE).ok
    with transaction() as db_:
        actions = db_.exec(
            select(AuditEvent.action)
            .where(AuditEvent.actor_account_id == boss.account_id)
            .where(col(AuditEvent.action).startswith("staff."))
        ).all()
    assert actions == ["staff.deactivated", "staff.reactivated"]
    listed = {m.email: m for m in staff_accounts.members(boss)}
    assert (
        listed["leaving@example.com"].status == "active"
        and listed["boss@example.com"].role == "admin"
    )


def test_two_admins_deactivating_each_other_at_once_leave_one_admin(db):
    first, _ = staff_principal("first@example.com")
    second, _ = staff_principal("second@example.com")
    barrier = threading.Barrier(2)
    outcomes = []

    def act(me, them):
        barrier.wait()
        try:
            staff_accounts.deactivate(me, them.account_id)
            outcomes.append("done")
        except DomainError as exc:
            outcomes.append(exc.key)

    threads = [
        threading.Thread(target=act, args=(first, second)),
        threading.Thread(target=act, args=(second, first)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["done", "staff.last_admin"]
    statuses = {account(e).status for e in ("first@example.com", "second@example.com")}
    assert statuses == {"active", "disabled"}
