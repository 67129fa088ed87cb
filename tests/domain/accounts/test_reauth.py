"""A borrowed session cannot become a permanent takeover: a sign-in factor changes only
shortly after the owner proved it is them (the current factor, when there is one), the
owner is mailed, and a reset or the secretariat can take an intruder's factor away."""

from __future__ import annotations

import pyotp
import pytest
from sqlmodel import select

from portal import cli
from portal.domain.accounts import factors, password_reset, reauth, signin, totp
from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import Account, ProviderLink, WebSession
from portal.domain.audit.tables import AuditEvent
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors, NotAllowed
from tests import factories
from tests.factories import PASSWORD
from tests.support.people import HERE, pending_secret, set_up_app, staff_principal


def test_a_session_left_open_sets_up_no_authenticator_until_the_owner_confirms(db, frozen):
    account_id = factories.registrant("borrowed@example.com")
    session = factories.fresh_session(account_id)
    frozen.advance(minutes=6)  # the owner stepped away; someone else has the tab
    with pytest.raises(DomainError, match=r"reauth\.needed"):
        totp.begin_enrolment(session)
    with pytest.raises(FieldErrors):
        reauth.confirm(session, "Not-the-password-9", "")
    reauth.confirm(session, PASSWORD, "")  # the owner, with the password
    set_up_app(session, frozen.now)
    [mail] = factories.outbox("borrowed@example.com", "authenticator_added")
    assert mail.language == "en"
    with transaction() as db:
        actions = set(db.exec(select(AuditEvent.action)).all())
    assert {"account.reauthenticated", "totp.enabled"} <= actions
    frozen.advance(minutes=6)
    with pytest.raises(DomainError, match=r"reauth\.needed"):  # the confirmation wore off
        totp.begin_enrolment(session)


def test_replacing_an_authenticator_needs_the_authenticator_not_just_the_password(db, frozen):
    account_id = factories.registrant("has-app@example.com")
    session = factories.fresh_session(account_id)
    secret = set_up_app(session, frozen.now)
    frozen.advance(minutes=6)
    reauth.confirm(session, PASSWORD, "")  # someone who learnt the password
    with pytest.raises(DomainError, match=r"reauth\.needed_app"):
        totp.begin_enrolment(session)
    frozen.advance(seconds=30)
    reauth.confirm(session, "", pyotp.TOTP(secret).at(int(frozen.now.timestamp())))
    totp.begin_enrolment(session)  # the owner, holding the app


def test_a_pending_secret_cannot_be_confirmed_once_the_confirmation_wore_off(db, frozen):
    account_id = factories.registrant("slow@example.com")
    session = factories.fresh_session(account_id)
    totp.begin_enrolment(session)
    secret = pending_secret(account_id)
    frozen.advance(minutes=6)
    with pytest.raises(DomainError, match=r"reauth\.needed"):
        totp.confirm_enrolment(session, pyotp.TOTP(secret).at(int(frozen.now.timestamp())))


def test_wrong_codes_while_confirming_count_toward_the_factor_lock(db):
    account_id = factories.registrant("guess-app@example.com")
    session = factories.fresh_session(account_id)
    set_up_app(session)
    for _ in range(10):
        with pytest.raises(FieldErrors):
            reauth.confirm(session, "", "000000")
    with transaction() as db_session:
        assert db_session.get(Account, account_id).factor_locked_at is not None


def test_a_reset_can_take_away_the_authenticator_and_the_provider_link(db):
    account_id = factories.registrant("taken@example.com")
    set_up_app(factories.fresh_session(account_id))  # the intruder's app
    with transaction() as db_session:
        db_session.add(ProviderLink(account_id=account_id, issuer="https://idp", subject="evil"))
    password_reset.request("taken@example.com", HERE)
    token = factories.outbox("taken@example.com", "password_reset")[-1].params["link"]
    new = "Mine-Again-2026!"
    password_reset.complete(token.split("token=")[1], new, new, HERE, remove_factors=True)
    with transaction() as db_session:
        account = db_session.get(Account, account_id)
        assert account.totp_secret is None
        assert db_session.exec(select(ProviderLink)).all() == []
    step = signin.check_password("taken@example.com", new, HERE)
    assert step.method == "email"  # the intruder's app no longer signs in


def test_staff_and_the_command_line_reset_a_lost_second_factor(db, capsys):
    account_id = factories.registrant("lost-phone@example.com")
    owner = factories.fresh_session(account_id)
    set_up_app(owner)
    reviewer, _ = staff_principal("rev@example.com", role="reviewer")
    with pytest.raises(NotAllowed):
        factors.reset_second_factor(reviewer, "lost-phone@example.com")
    admin, _ = staff_principal("boss@example.com")
    factors.reset_second_factor(Actor(admin.principal, "10.0.0.9"), "lost-phone@example.com")
    with transaction() as db_session:
        assert db_session.get(Account, account_id).totp_secret is None
        event = db_session.exec(
            select(AuditEvent).where(AuditEvent.action == "account.factors_removed")
        ).one()
    assert event.actor_account_id == admin.account_id and event.ip == "10.0.0.9"
    with transaction() as db_session:  # the lost phone's session ended with it
        assert db_session.get(WebSession, owner.session_id).revoked_at is not None
    assert factories.outbox("lost-phone@example.com", "authenticator_reset")
    assert cli.main(["reset-second-factor", "lost-phone@example.com"]) == 0
    assert cli.main(["reset-second-factor", "nobody@example.com"]) == 1
    assert "no account with this address" in capsys.readouterr().err
