import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pyotp
import pytest
from sqlmodel import select

from portal.domain.accounts import (
    account_changes,
    lockout,
    operations,
    passwords,
    signin,
    start_pages,
    totp,
)
from portal.domain.accounts.tables import Account
from portal.domain.audit.tables import AuditEvent
from portal.domain.core.db import transaction
from portal.domain.core.errors import FieldErrors
from portal.domain.core.origin import SYSTEM, Origin
from portal.settings import get_settings
from tests import factories
from tests.factories import PASSWORD
from tests.support.people import HERE


def sign_in(email, password=PASSWORD):
    return signin.check_password(email, password, Origin("10.0.0.1"))


def account(email) -> Account:
    with transaction() as db:
        return db.exec(select(Account).where(Account.email == email)).one()


def test_password_then_emailed_code_gives_a_ticket_then_a_session(db):
    factories.registrant("hanako@example.com")
    step = sign_in("Hanako@Example.com ")
    assert step.ok and step.method == "email"
    mail = factories.outbox("hanako@example.com", "signin_code")
    assert len(mail) == 1 and mail[0].language == "en"
    result = signin.verify_code(step.attempt, factories.last_code("hanako@example.com"), HERE)
    assert result.ok and result.ticket
    start = signin.redeem_ticket(result.ticket, Origin("10.0.0.1"))
    assert start is not None and start.landing == "/mypage"
    assert signin.redeem_ticket(result.ticket, HERE) is None  # single use


def test_refusals_look_identical(db):
    factories.registrant("known@example.com")
    factories.registrant("invited@example.com", status="invited")
    outcomes = {
        sign_in("unknown@example.com"),
        sign_in("known@example.com", "Wrong-password-1"),
        sign_in("invited@example.com"),
    }
    assert outcomes == {signin.PasswordStep(ok=False)}


def test_code_is_bound_to_the_attempt_and_single_use(db):
    factories.registrant("a@example.com")
    factories.registrant("b@example.com")
    first = sign_in("a@example.com")
    other = sign_in("b@example.com")
    code_a = factories.last_code("a@example.com")
    # a's code does not pass b's challenge, and a made-up attempt does nothing
    assert not signin.verify_code(other.attempt, code_a, HERE).ok
    assert signin.verify_code("forged", code_a, HERE).problem == "code.start_again"
    assert signin.verify_code(None, code_a, HERE).problem == "code.start_again"
    assert signin.verify_code(first.attempt, code_a, HERE).ok
    assert signin.verify_code(first.attempt, code_a, HERE).problem == "code.start_again"


def test_code_expires(db, frozen):
    factories.registrant("late@example.com")
    step = sign_in("late@example.com")
    frozen.advance(minutes=10, seconds=1)
    result = signin.verify_code(step.attempt, factories.last_code("late@example.com"), HERE)
    assert result.problem == "code.expired"


def test_five_wrong_codes_void_the_challenge(db):
    factories.registrant("typo@example.com")
    step = sign_in("typo@example.com")
    good = factories.last_code("typo@example.com")
    wrong = "000000" if good != "000000" else "111111"
    results = [signin.verify_code(step.attempt, wrong, HERE) for _ in range(5)]
    assert [r.tries_left for r in results[:4]] == [4, 3, 2, 1]
    assert results[4].problem == "code.too_many"
    assert signin.verify_code(step.attempt, good, HERE).problem == "code.too_many"


def test_resend_replaces_the_code_and_is_throttled(db, frozen):
    factories.registrant("resend@example.com")
    step = sign_in("resend@example.com")
    old = factories.last_code("resend@example.com")
    assert signin.resend_code(step.attempt) == "code.resend_wait"
    frozen.advance(seconds=31)
    assert signin.resend_code(step.attempt) is None
    new = factories.last_code("resend@example.com")
    assert len(factories.outbox("resend@example.com", "signin_code")) == 2
    if old != new:
        assert not signin.verify_code(step.attempt, old, HERE).ok
    assert signin.verify_code(step.attempt, new, HERE).ok


def test_resends_are_capped(db, frozen):
    factories.registrant("flood@example.com")
    step = sign_in("flood@example.com")
    for _ in range(signin.MAX_RESENDS):
        frozen.advance(seconds=31)
        assert signin.resend_code(step.attempt) is None
    frozen.advance(seconds=31)
    assert signin.resend_code(step.attempt) == "code.resend_limit"
    assert len(factories.outbox("flood@example.com", "signin_code")) == 1 + signin.MAX_RESENDS


def test_lockout_after_five_failures_mails_once_and_blocks_the_right_password(db, frozen):
    factories.registrant("locked@example.com", language="ja")
    for _ in range(5):
        assert not sign_in("locked@example.com", "Wrong-password-1").ok
    assert account("locked@example.com").locked_until is not None
    mails = factories.outbox("locked@example.com", "account_locked")
    assert len(mails) == 1 and mails[0].language == "ja"
    assert not sign_in("locked@example.com").ok
    frozen.advance(minutes=30, seconds=1)
    assert sign_in("locked@example.com").ok
    assert account("locked@example.com").failed_attempts == 0


def test_success_resets_the_failure_counter(db):
    factories.registrant("reset@example.com")
    for _ in range(4):
        sign_in("reset@example.com", "Wrong-password-1")
    assert sign_in("reset@example.com").ok
    assert account("reset@example.com").failed_attempts == 0


def test_twenty_parallel_wrong_attempts_are_counted_exactly(db):
    factories.registrant("race@example.com")
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(
            pool.map(lambda _: sign_in("race@example.com", "Wrong-password-1"), range(20))
        )
    assert not any(r.ok for r in results)
    locked = account("race@example.com")
    assert locked.failed_attempts == 20
    assert locked.locked_until is not None
    assert len(factories.outbox("race@example.com", "account_locked")) == 1


def test_staff_unlock_clears_the_lock(db):
    factories.registrant("unlock@example.com")
    for _ in range(5):
        sign_in("unlock@example.com", "Wrong-password-1")
    assert operations.unlock("UNLOCK@example.com", SYSTEM)
    assert sign_in("unlock@example.com").ok
    with transaction() as session:
        actions = session.exec(select(AuditEvent.action)).all()
    assert "account.locked" in actions and "account.unlocked" in actions


def test_must_reset_accounts_are_sent_to_reset(db):
    factories.registrant("migrated@example.com")
    with transaction() as session:
        row = session.exec(select(Account).where(Account.email == "migrated@example.com")).one()
        row.must_reset_password = True
    step = sign_in("migrated@example.com")
    assert step.must_reset and not step.ok
    assert factories.outbox("migrated@example.com", "signin_code") == []


def test_ip_throttle(db, configure):
    configure(PORTAL_SIGNIN_PER_CLIENT="7")
    factories.registrant("victim@example.com")
    for _ in range(7):
        sign_in("nobody@example.com", "x")
    assert sign_in("victim@example.com").throttled


def enrol(account_id: int) -> tuple[str, list[str]]:
    owner = factories.fresh_session(account_id)
    totp.begin_enrolment(owner)
    with transaction() as session:
        secret = totp._decrypt(session.get(Account, account_id).totp_pending_secret)
    codes = totp.confirm_enrolment(owner, pyotp.TOTP(secret).now())
    return secret, codes


def test_totp_replaces_the_emailed_code_and_each_step_works_once(db, frozen):
    account_id = factories.registrant("app@example.com")
    secret, _codes = enrol(account_id)
    frozen.advance(seconds=30)
    step = sign_in("app@example.com")
    assert step.method == "totp"
    assert factories.outbox("app@example.com", "signin_code") == []
    code = pyotp.TOTP(secret).at(frozen.now.replace(tzinfo=dt.UTC))
    assert signin.verify_code(step.attempt, code, HERE).ok
    again = sign_in("app@example.com")
    assert not signin.verify_code(again.attempt, code, HERE).ok  # same time step, refused


def test_recovery_codes_work_once(db):
    account_id = factories.registrant("lost@example.com")
    _secret, codes = enrol(account_id)
    assert len(codes) == 10 and len(set(codes)) == 10
    step = sign_in("lost@example.com")
    assert signin.verify_code(step.attempt, codes[0].upper(), HERE).ok
    again = sign_in("lost@example.com")
    assert not signin.verify_code(again.attempt, codes[0], HERE).ok


def test_wrong_enrolment_code_leaves_totp_off(db):
    account_id = factories.registrant("half@example.com")
    owner = factories.fresh_session(account_id)
    totp.begin_enrolment(owner)
    try:
        totp.confirm_enrolment(owner, "000000")
    except Exception as exc:
        assert getattr(exc, "key", "") == "code.wrong"
    with transaction() as session:
        row = session.get(Account, account_id)
        assert row.totp_secret is None and row.totp_pending_secret is not None
    assert sign_in("half@example.com").method == "email"


def test_totp_secret_is_stored_encrypted(db):
    account_id = factories.registrant("enc@example.com")
    secret, _ = enrol(account_id)
    with transaction() as session:
        stored = session.get(Account, account_id).totp_secret
    assert secret not in stored


def test_staff_without_totp_land_on_enrolment(db):
    operations.create_staff("boss@example.com", "Str0ng-pass-phrase", "admin", "Boss")
    step = sign_in("boss@example.com", "Str0ng-pass-phrase")
    ticket = signin.verify_code(step.attempt, factories.last_code("boss@example.com"), HERE).ticket
    assert signin.redeem_ticket(ticket, HERE).landing == "/mypage/account"


def test_turning_the_authenticator_off_needs_password_and_code(db):
    account_id = factories.registrant("off@example.com")
    secret, codes = enrol(account_id)
    code = pyotp.TOTP(secret).now()
    for password, typed, key in (
        ("Wrong-password-1", code, "password.wrong"),
        (PASSWORD, "000000" if code != "000000" else "111111", "code.wrong"),
    ):
        try:
            totp.disable(factories.fresh_session(account_id), password, typed)
        except Exception as exc:
            assert exc.key == key
        else:
            raise AssertionError("disable should have been refused")
    totp.disable(
        factories.fresh_session(account_id), PASSWORD, codes[3]
    )  # a recovery code also proves possession
    assert sign_in("off@example.com").method == "email"


def test_staff_cannot_turn_the_required_authenticator_off(db):
    staff_id = operations.create_staff(
        "keep@example.com", "Str0ng-pass-phrase", "reviewer", "Keeper"
    )
    secret, _ = enrol(staff_id)
    try:
        totp.disable(
            factories.fresh_session(staff_id), "Str0ng-pass-phrase", pyotp.TOTP(secret).now()
        )
    except Exception as exc:
        assert exc.key == "totp.staff_must_keep"
    else:
        raise AssertionError("staff must keep the authenticator")


def wrong_code_for(email: str) -> str:
    return "000000" if factories.last_code(email) != "000000" else "111111"


def test_wrong_codes_count_across_challenges_and_lock_the_second_factor(db):
    """Someone who has the password cannot guess codes forever by starting over: the
    tenth wrong code in a row blocks sign-in, mails the owner once, and only staff undo it."""
    factories.registrant("guessed@example.com")
    wrong_codes = 0
    while wrong_codes < lockout.FACTOR_LIMIT:
        step = sign_in("guessed@example.com")  # the right password: a new challenge
        assert step.ok
        for _ in range(min(signin.MAX_CODE_TRIES, lockout.FACTOR_LIMIT - wrong_codes)):
            signin.verify_code(step.attempt, wrong_code_for("guessed@example.com"), HERE)
            wrong_codes += 1
    assert not sign_in("guessed@example.com").ok  # blocked, even with the password
    assert len(factories.outbox("guessed@example.com", "factor_locked")) == 1
    operations.unlock("guessed@example.com", SYSTEM)
    step = sign_in("guessed@example.com")
    assert signin.verify_code(step.attempt, factories.last_code("guessed@example.com"), HERE).ok


def test_a_right_code_starts_the_count_again(db):
    factories.registrant("clumsy@example.com")
    for _ in range(3):  # 3 × (4 wrong, then right) = 12 wrong codes, never 10 in a row
        step = sign_in("clumsy@example.com")
        for _ in range(4):
            signin.verify_code(step.attempt, wrong_code_for("clumsy@example.com"), HERE)
        assert signin.verify_code(step.attempt, factories.last_code("clumsy@example.com"), HERE).ok
    assert account("clumsy@example.com").factor_locked_at is None


def test_a_resend_does_not_give_the_tries_back(db, frozen):
    factories.registrant("patient@example.com")
    step = sign_in("patient@example.com")
    for _ in range(signin.MAX_CODE_TRIES - 1):
        signin.verify_code(step.attempt, wrong_code_for("patient@example.com"), HERE)
    frozen.advance(seconds=31)
    assert signin.resend_code(step.attempt) is None
    last = signin.verify_code(step.attempt, wrong_code_for("patient@example.com"), HERE)
    assert last.problem == "code.too_many"


def test_an_account_starts_a_limited_number_of_challenges(db):
    factories.registrant("busy@example.com")
    for _ in range(get_settings().sign_in.per_account):
        assert sign_in("busy@example.com").ok
    assert sign_in("busy@example.com").throttled


def test_ipv6_clients_are_counted_by_their_64_network(db, configure):
    configure(PORTAL_SIGNIN_PER_CLIENT="5")
    factories.registrant("v6@example.com")
    for host in range(5):  # five addresses of one subscriber's /64
        signin.check_password("nobody@example.com", "x", Origin(f"2001:db8:1:2::{host + 1}"))
    assert signin.check_password("v6@example.com", PASSWORD, Origin("2001:db8:1:2::99")).throttled
    assert signin.check_password("v6@example.com", PASSWORD, Origin("2001:db8:1:3::1")).ok


def test_a_throttled_sign_in_spends_no_bcrypt(db, configure, monkeypatch):
    configure(PORTAL_SIGNIN_PER_CLIENT="5")
    for _ in range(5):
        sign_in("nobody@example.com", "x")
    checks = []
    monkeypatch.setattr(passwords, "burn_time", lambda: checks.append("burn"))
    monkeypatch.setattr(passwords, "verify_password", lambda *a: checks.append("check"))
    assert sign_in("nobody@example.com", "x").throttled and checks == []


def test_a_wrong_current_password_inside_a_session_counts_toward_the_lockout(db):
    """A borrowed session guessing the password (to change the address, say) is stopped
    after as many tries as at the sign-in page."""
    account_id = factories.registrant("borrowed@example.com")
    for _ in range(get_settings().sign_in.lockout_threshold):
        with pytest.raises(FieldErrors):
            account_changes.request_email_change(
                factories.fresh_session(account_id),
                "x@example.com",
                "x@example.com",
                "Guess-1234-abcd",
            )
    assert account("borrowed@example.com").locked_until is not None
    assert factories.outbox("borrowed@example.com", "account_locked")


@pytest.mark.parametrize(
    ("kind", "enrol", "terms", "start"),
    [
        ("staff", True, False, "/mypage/account"),
        ("staff", False, False, "/admin"),
        ("organisation", False, False, "/org"),
        ("registrant", False, True, "/consent"),
        ("registrant", False, False, "/mypage"),
    ],
)
def test_one_rule_says_where_each_person_starts(kind, enrol, terms, start):
    assert start_pages.start_page(kind, enrol, terms) == start
