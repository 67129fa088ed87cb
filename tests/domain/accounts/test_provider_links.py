"""Linking accounts to the identity provider and signing in through a link (no network:
the provider's part is tested in tests/domain/test_provider_routes.py)."""

import pytest
from sqlmodel import select

from portal.domain.accounts import provider_flows, provider_links, sessions, signin
from portal.domain.accounts.actor import Actor
from portal.domain.audit.tables import AuditEvent
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors
from portal.domain.core.origin import Origin
from tests import factories
from tests.support.people import HERE, sign_in, signed_in, staff_principal

ISSUER = "http://127.0.0.1:9"


def actions() -> list[str]:
    with transaction() as db:
        return [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]


def test_the_owner_links_then_signs_in_through_the_link_with_the_emailed_code(db):
    me = signed_in("linker@example.com")
    provider_links.link(me.account_id, me.session_id, ISSUER, "sub-1", Origin("10.0.0.1"))
    [mail] = factories.outbox("linker@example.com", "provider_linked")
    assert mail.params["provider"] == "Example ID"
    assert "provider.linked" in actions()
    step = provider_links.sign_in(ISSUER, "sub-1", False, Origin("10.0.0.2"))
    assert step.problem is None and step.method == "email" and step.session is None
    code = factories.last_code("linker@example.com")
    ticket = signin.verify_code(step.attempt, code, HERE).ticket
    started = signin.redeem_ticket(ticket, HERE)
    assert started.landing == "/mypage"
    assert sessions.resolve(started.secret).account_id == me.account_id
    # the password keeps working
    assert signin.check_password("linker@example.com", factories.PASSWORD, HERE).ok


def test_an_unlinked_subject_is_refused_and_never_matched_on_email(db):
    factories.registrant("same@example.com")
    for subject in ("same@example.com", "unknown"):
        step = provider_links.sign_in(ISSUER, subject, True, HERE)
        assert step == provider_links.ProviderSignIn(problem="unlinked")
    # the same subject at another issuer is another person
    me = signed_in("issuer@example.com")
    provider_links.link(me.account_id, me.session_id, ISSUER, "s", HERE)
    assert provider_links.sign_in("https://other.example", "s", False, HERE).problem == "unlinked"
    assert actions().count("signin.provider_unlinked") == 3


def test_one_subject_one_account_and_one_link_per_account(db):
    a = signed_in("a@example.com")
    b = signed_in("b@example.com")
    provider_links.link(a.account_id, a.session_id, ISSUER, "shared", HERE)
    with pytest.raises(DomainError) as taken:
        provider_links.link(b.account_id, b.session_id, ISSUER, "shared", HERE)
    assert taken.value.key == "account.provider_taken"
    with pytest.raises(DomainError) as twice:
        provider_links.link(a.account_id, a.session_id, ISSUER, "another", HERE)
    assert twice.value.key == "account.provider_already_linked"


def test_a_link_needs_the_session_that_asked_to_be_alive(db):
    factories.registrant("gone@example.com")
    me, secret = sign_in("gone@example.com")
    sessions.end(secret)
    assert sessions.resolve(secret) is None
    other = signed_in("other@example.com")
    for session_id in (None, other.session_id, me.session_id):
        with pytest.raises(DomainError) as refused:
            provider_links.link(me.account_id, session_id, ISSUER, "x", HERE)
        assert refused.value.key == "account.provider_session_gone"


def test_unlinking_needs_the_password_and_mails_the_owner(db):
    me = signed_in("unlink@example.com")
    provider_links.link(me.account_id, me.session_id, ISSUER, "u", HERE)
    with pytest.raises(FieldErrors) as wrong:
        provider_links.unlink(me, "Not-the-password-1")
    assert wrong.value.fields == {"unlink_password": ("password.wrong", {})}
    with pytest.raises(FieldErrors):
        provider_links.unlink(me, "")
    assert provider_links.linked_since([me.account_id])
    provider_links.unlink(Actor(me.principal, "10.0.0.1"), factories.PASSWORD)
    assert provider_links.linked_since([me.account_id]) == {}
    assert len(factories.outbox("unlink@example.com", "provider_unlinked")) == 1
    assert provider_links.sign_in(ISSUER, "u", False, HERE).problem == "unlinked"
    with pytest.raises(DomainError) as nothing:
        provider_links.unlink(me, factories.PASSWORD)
    assert nothing.value.key == "account.provider_not_linked"
    assert "provider.unlinked" in actions()


def test_kinds_the_provider_is_not_for_cannot_link_or_sign_in(db, configure):
    me = signed_in("kind@example.com")
    provider_links.link(me.account_id, me.session_id, ISSUER, "k", HERE)
    configure(PORTAL_OIDC_FOR="staff")
    assert provider_links.sign_in(ISSUER, "k", True, HERE).problem == "not_for_you"
    other = signed_in("kind2@example.com")
    with pytest.raises(DomainError) as refused:
        provider_links.link(other.account_id, other.session_id, ISSUER, "k2", HERE)
    assert refused.value.key == "account.provider_not_for_you"


def test_locked_and_closed_accounts_cannot_sign_in_through_a_link(db, configure):
    configure(PORTAL_LOCKOUT_THRESHOLD="2")
    me = signed_in("locked@example.com")
    provider_links.link(me.account_id, me.session_id, ISSUER, "l", HERE)
    for _ in range(2):
        signin.check_password("locked@example.com", "Wrong-password-9", HERE)
    assert provider_links.sign_in(ISSUER, "l", True, HERE).problem == "refused"


def test_proved_multi_factor_skips_the_code_and_stands_in_for_staff_enrolment(db):
    staff, _ = staff_principal("boss@example.com")
    assert staff.needs_totp_enrolment
    provider_links.link(staff.account_id, staff.session_id, ISSUER, "boss", HERE)
    step = provider_links.sign_in(ISSUER, "boss", True, HERE)
    assert step.attempt is None and step.session.landing == "/admin"
    principal = sessions.resolve(step.session.secret)
    assert principal.is_staff and not principal.needs_totp_enrolment
    # without the proof: the e-mailed code, then enrolment first, as after a password
    step = provider_links.sign_in(ISSUER, "boss", False, HERE)
    ticket = signin.verify_code(step.attempt, factories.last_code("boss@example.com"), HERE).ticket
    started = signin.redeem_ticket(ticket, HERE)
    assert started.landing == "/mypage/account"
    assert sessions.resolve(started.secret).needs_totp_enrolment


def test_a_trip_counts_once_and_only_in_the_browser_that_started_it(db, frozen):
    browser = provider_flows.begin("signin", "state-1", "nonce", "verifier", Origin("10.0.0.1"))
    assert provider_flows.claim("state-1", "another-browser") is None
    assert provider_flows.claim("forged", browser) is None
    trip = provider_flows.claim("state-1", browser)
    assert (trip.purpose, trip.nonce, trip.code_verifier) == ("signin", "nonce", "verifier")
    assert provider_flows.claim("state-1", browser) is None  # replayed
    late = provider_flows.begin("link", "state-2", "n", "v", HERE, account_id=None)
    frozen.advance(minutes=11)
    assert provider_flows.claim("state-2", late) is None


def test_starting_trips_is_limited_per_client(db, configure):
    configure(PORTAL_SIGNIN_PER_CLIENT="5")
    started = [
        provider_flows.begin("signin", f"s{i}", "n", "v", Origin("10.9.9.9")) for i in range(6)
    ]
    assert all(started[:5]) and started[5] is None
    assert provider_flows.begin("signin", "s-other", "n", "v", Origin("10.9.9.8")) is not None
