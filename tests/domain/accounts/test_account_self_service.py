"""Password reset, password change, e-mail change and closing an account."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import select

from portal.domain.accounts import account_changes, password_reset, sessions, signin, tokens
from portal.domain.accounts.tables import Account, ActionToken
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors
from portal.domain.core.origin import Origin
from portal.domain.registry.tables import RegistryRecord
from tests import factories
from tests.factories import PASSWORD
from tests.support.people import HERE, actor_of, sign_in

NEW = "Fresh-meadow-2026!"


def link_token(recipient: str, template: str) -> str:
    return factories.outbox(recipient, template)[-1].params["link"].split("token=")[1]


def session_of(email: str, password: str = PASSWORD) -> str:
    """The cookie secret of a fresh sign-in."""
    return sign_in(email, password)[1]


def account(email: str) -> Account:
    with transaction() as db:
        return db.exec(select(Account).where(Account.email == email)).one()


# --- password reset ---------------------------------------------------------


def test_reset_link_sets_password_ends_sessions_and_does_not_sign_in(db):
    factories.registrant("forgot@example.com")
    old_session = session_of("forgot@example.com")
    password_reset.request("Forgot@Example.com", HERE)
    token = link_token("forgot@example.com", "password_reset")
    assert password_reset.link_is_live(token)
    password_reset.complete(token, NEW, NEW, HERE)
    assert sessions.resolve(old_session) is None
    assert not signin.check_password("forgot@example.com", PASSWORD, HERE).ok
    assert signin.check_password("forgot@example.com", NEW, HERE).ok
    assert factories.outbox("forgot@example.com", "password_changed")
    with pytest.raises(DomainError, match=r"reset.link_invalid"):
        password_reset.complete(token, "Another-pass-9!", "Another-pass-9!", HERE)


def test_unknown_or_inactive_addresses_get_no_mail(db):
    factories.registrant("invited@example.com", status="invited")
    password_reset.request("nobody@example.com", HERE)
    password_reset.request("invited@example.com", HERE)
    assert factories.outbox() == []


def test_token_is_stored_only_as_digest(db):
    factories.registrant("digest@example.com")
    password_reset.request("digest@example.com", HERE)
    token = link_token("digest@example.com", "password_reset")
    with transaction() as session:
        row = session.exec(select(ActionToken)).one()
    assert token not in row.token_digest
    assert row.token_digest == tokens.digest("action:password_reset", token)


def test_newer_request_voids_the_older_link(db, frozen):
    factories.registrant("twice@example.com")
    password_reset.request("twice@example.com", HERE)
    first = link_token("twice@example.com", "password_reset")
    password_reset.request("twice@example.com", HERE)
    second = link_token("twice@example.com", "password_reset")
    assert not password_reset.link_is_live(first) and password_reset.link_is_live(second)


def test_link_expires_after_24_hours(db, frozen):
    factories.registrant("slow@example.com")
    password_reset.request("slow@example.com", HERE)
    token = link_token("slow@example.com", "password_reset")
    frozen.advance(hours=24, seconds=1)
    assert not password_reset.link_is_live(token)


def test_reset_works_while_locked_and_unlocks(db):
    factories.registrant("locked@example.com")
    for _ in range(5):
        signin.check_password("locked@example.com", "Wrong-password-1", HERE)
    password_reset.request("locked@example.com", HERE)
    password_reset.complete(link_token("locked@example.com", "password_reset"), NEW, NEW, HERE)
    assert signin.check_password("locked@example.com", NEW, HERE).ok


def test_reset_requests_are_throttled_per_address(db):
    factories.registrant("flood@example.com")
    for _ in range(10):
        password_reset.request("flood@example.com", Origin(f"10.0.0.{_}"))
    assert (
        len(factories.outbox("flood@example.com", "password_reset")) == password_reset.PER_ADDRESS
    )


def test_weak_or_mismatched_new_password_is_refused_per_field(db):
    factories.registrant("weak@example.com")
    password_reset.request("weak@example.com", HERE)
    token = link_token("weak@example.com", "password_reset")
    with pytest.raises(FieldErrors) as refused:
        password_reset.complete(token, "short", "other", HERE)
    assert refused.value.fields["new_password"][0] == "password.too_short"
    assert refused.value.fields["new_password_confirm"][0] == "password.confirm_differs"
    assert password_reset.link_is_live(token)  # a refused attempt keeps the link usable


def test_parallel_redemption_of_one_link_succeeds_once(db):
    factories.registrant("race@example.com")
    password_reset.request("race@example.com", HERE)
    token = link_token("race@example.com", "password_reset")

    def attempt(n):
        try:
            password_reset.complete(token, f"Parallel-pass-{n}!", f"Parallel-pass-{n}!", HERE)
            return n
        except DomainError:
            return None

    with ThreadPoolExecutor(max_workers=8) as pool:
        winners = [n for n in pool.map(attempt, range(8)) if n is not None]
    assert len(winners) == 1
    assert signin.check_password("race@example.com", f"Parallel-pass-{winners[0]}!", HERE).ok
    assert len(factories.outbox("race@example.com", "password_changed")) == 1


def test_must_reset_sign_in_mails_a_link(db):
    factories.registrant("migrated@example.com")
    with transaction() as session:
        session.exec(
            select(Account).where(Account.email == "migrated@example.com")
        ).one().must_reset_password = True
    assert signin.check_password("migrated@example.com", PASSWORD, HERE).must_reset
    token = link_token("migrated@example.com", "password_reset")
    password_reset.complete(token, NEW, NEW, HERE)
    assert signin.check_password("migrated@example.com", NEW, HERE).ok


# --- password change --------------------------------------------------------


def test_change_password_ends_other_sessions_only(db):
    factories.registrant("change@example.com")
    here = session_of("change@example.com")
    elsewhere = session_of("change@example.com")
    me = actor_of(here)
    password_reset.request("change@example.com", HERE)
    pending_link = link_token("change@example.com", "password_reset")
    account_changes.change_password(me, PASSWORD, NEW, NEW)
    assert sessions.resolve(here) is not None and sessions.resolve(elsewhere) is None
    assert not password_reset.link_is_live(pending_link)
    assert factories.outbox("change@example.com", "password_changed")


def test_change_password_checks_current_and_difference(db):
    account_id = factories.registrant("same@example.com")
    with pytest.raises(FieldErrors) as wrong:
        account_changes.change_password(
            factories.fresh_session(account_id), "Wrong-password-1", NEW, NEW
        )
    assert wrong.value.fields == {"current_password": ("password.wrong", {})}
    with pytest.raises(FieldErrors) as same:
        account_changes.change_password(
            factories.fresh_session(account_id), PASSWORD, PASSWORD, PASSWORD
        )
    assert same.value.fields["new_password"][0] == "password.same_as_current"


# --- e-mail change ----------------------------------------------------------


def test_email_change_waits_for_the_link_then_moves_everything(db):
    account_id = factories.registrant("old@example.com")
    live = session_of("old@example.com")
    account_changes.request_email_change(
        factories.fresh_session(account_id), "New@Example.com", "new@example.com", PASSWORD
    )
    assert account("old@example.com").id == account_id  # nothing changed yet
    assert factories.outbox("old@example.com", "email_change_requested")
    token = link_token("new@example.com", "email_change_confirm")
    assert account_changes.confirm_email_change(token, HERE) == "new@example.com"
    assert account("new@example.com").id == account_id
    with transaction() as session:
        assert session.exec(select(RegistryRecord.email)).one() == "new@example.com"
    assert factories.outbox("old@example.com", "email_changed")
    assert sessions.resolve(live) is None
    assert signin.check_password("new@example.com", PASSWORD, HERE).ok
    with pytest.raises(DomainError, match=r"email.link_invalid"):
        account_changes.confirm_email_change(token, HERE)


def test_email_change_to_a_taken_address_reveals_nothing_on_screen(db):
    account_id = factories.registrant("mover@example.com")
    factories.registrant("owner@example.com", language="ja")
    account_changes.request_email_change(
        factories.fresh_session(account_id), "owner@example.com", "owner@example.com", PASSWORD
    )
    assert factories.outbox("owner@example.com", "email_in_use")[0].language == "ja"
    assert factories.outbox("owner@example.com", "email_change_confirm") == []


def test_email_taken_meanwhile_fails_cleanly(db):
    account_id = factories.registrant("first@example.com")
    account_changes.request_email_change(
        factories.fresh_session(account_id), "wanted@example.com", "wanted@example.com", PASSWORD
    )
    token = link_token("wanted@example.com", "email_change_confirm")
    factories.registrant("wanted@example.com")
    with pytest.raises(DomainError, match=r"email.taken"):
        account_changes.confirm_email_change(token, HERE)
    assert account("first@example.com").id == account_id


def test_email_change_validation(db):
    account_id = factories.registrant("valid@example.com")
    cases = [
        (".bad@example.com", ".bad@example.com", PASSWORD, "new_email", "email.leading_dot"),
        ("a@example.com", "b@example.com", PASSWORD, "new_email_confirm", "email.confirm_differs"),
        ("valid@example.com", "valid@example.com", PASSWORD, "new_email", "email.same_as_current"),
        (
            "ok@example.com",
            "ok@example.com",
            "Wrong-password-1",
            "current_password",
            "password.wrong",
        ),
    ]
    for new, confirm, password, field, key in cases:
        with pytest.raises(FieldErrors) as refused:
            account_changes.request_email_change(
                factories.fresh_session(account_id), new, confirm, password
            )
        assert refused.value.fields[field][0] == key
    assert factories.outbox() == []


def test_email_change_voids_pending_reset_links(db):
    account_id = factories.registrant("reset-then-move@example.com")
    password_reset.request("reset-then-move@example.com", HERE)
    reset = link_token("reset-then-move@example.com", "password_reset")
    account_changes.request_email_change(
        factories.fresh_session(account_id), "moved@example.com", "moved@example.com", PASSWORD
    )
    account_changes.confirm_email_change(
        link_token("moved@example.com", "email_change_confirm"), HERE
    )
    assert not password_reset.link_is_live(reset)


# --- closing ----------------------------------------------------------------


def test_close_needs_understanding_and_password_then_removes_sign_in(db):
    account_id = factories.registrant("leaving@example.com")
    live = session_of("leaving@example.com")
    with pytest.raises(FieldErrors) as not_ticked:
        account_changes.close(factories.fresh_session(account_id), False, PASSWORD)
    assert "understood" in not_ticked.value.fields
    with pytest.raises(FieldErrors):
        account_changes.close(factories.fresh_session(account_id), True, "Wrong-password-1")
    account_changes.close(factories.fresh_session(account_id), True, PASSWORD)
    assert sessions.resolve(live) is None
    assert not signin.check_password("leaving@example.com", PASSWORD, HERE).ok
    with transaction() as session:
        assert session.exec(select(RegistryRecord)).one().account_id == account_id  # record stays
    assert factories.outbox("leaving@example.com", "account_closed")
    password_reset.request("leaving@example.com", HERE)
    assert factories.outbox("leaving@example.com", "password_reset") == []


@pytest.mark.parametrize("how", ["change", "reset"])
def test_a_pending_email_change_dies_with_a_password_change_or_reset(db, how):
    """Someone who knew the old password asked to move the address; the owner changes (or
    resets) the password: the confirmation link no longer moves the account."""
    account_id = factories.registrant("owner@example.com")
    account_changes.request_email_change(
        factories.fresh_session(account_id), "thief@example.com", "thief@example.com", PASSWORD
    )
    token = link_token("thief@example.com", "email_change_confirm")
    if how == "change":
        account_changes.change_password(
            factories.fresh_session(account_id), PASSWORD, "Fresh-Garden-2026", "Fresh-Garden-2026"
        )
    else:
        password_reset.request("owner@example.com", HERE)
        reset = link_token("owner@example.com", "password_reset")
        password_reset.complete(reset, "Fresh-Garden-2026", "Fresh-Garden-2026", HERE)
    with pytest.raises(DomainError, match=r"email.link_invalid"):
        account_changes.confirm_email_change(token, HERE)
    assert account("owner@example.com").id == account_id
