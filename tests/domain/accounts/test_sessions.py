from sqlmodel import select

from portal.domain.accounts import sessions, signin, tokens
from portal.domain.accounts.tables import Account, WebSession
from portal.domain.core.db import transaction
from tests import factories
from tests.support.people import HERE


def signed_in(email: str) -> str:
    factories.registrant(email)
    step = signin.check_password(email, factories.PASSWORD, HERE)
    ticket = signin.verify_code(step.attempt, factories.last_code(email), HERE).ticket
    return signin.redeem_ticket(ticket, HERE).secret


def test_live_session_resolves_to_its_principal(db):
    secret = signed_in("live@example.com")
    principal = sessions.resolve(secret)
    assert principal.email == "live@example.com" and principal.is_registrant
    assert principal.display_name.startswith("Test Person")


def test_secret_is_stored_only_as_digest(db):
    secret = signed_in("digest@example.com")
    with transaction() as session:
        stored = session.exec(select(WebSession.secret_digest)).one()
    assert secret not in stored and stored == tokens.digest("session", secret)


def test_unknown_blank_and_oversized_secrets_resolve_to_nobody(db):
    assert sessions.resolve(None) is None
    assert sessions.resolve("") is None
    assert sessions.resolve("x" * 5000) is None
    assert sessions.resolve(tokens.new_token()) is None


def test_idle_timeout(db, frozen):
    secret = signed_in("idle@example.com")
    frozen.advance(minutes=29)
    assert sessions.resolve(secret) is not None  # activity refreshes it
    frozen.advance(minutes=29)
    assert sessions.resolve(secret) is not None
    frozen.advance(minutes=31)
    assert sessions.resolve(secret) is None


def test_absolute_timeout(db, frozen):
    secret = signed_in("long@example.com")
    for _ in range(25):
        frozen.advance(minutes=29)
        sessions.resolve(secret)
    assert sessions.resolve(secret) is None  # 12h25m after sign-in


def test_logout_revokes(db):
    secret = signed_in("bye@example.com")
    sessions.end(secret)
    assert sessions.resolve(secret) is None


def test_end_all_keeps_only_the_current_one(db):
    first = signed_in("many@example.com")
    step = signin.check_password("many@example.com", factories.PASSWORD, HERE)
    ticket = signin.verify_code(step.attempt, factories.last_code("many@example.com"), HERE).ticket
    second = signin.redeem_ticket(ticket, HERE).secret
    keep = sessions.resolve(second)
    with transaction() as session:
        assert sessions.end_all(session, keep.account_id, except_session_id=keep.session_id) == 1
    assert sessions.resolve(first) is None
    assert sessions.resolve(second) is not None


def test_disabled_account_loses_its_sessions(db):
    secret = signed_in("gone@example.com")
    with transaction() as session:
        account = session.exec(select(Account).where(Account.email == "gone@example.com")).one()
        account.status = "disabled"
    assert sessions.resolve(secret) is None
