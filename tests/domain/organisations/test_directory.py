import pytest
from sqlmodel import col, select

from portal.domain.accounts import account_changes, password_reset, sessions, signin
from portal.domain.audit.tables import AuditEvent
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors, NotAllowed
from portal.domain.organisations import area, directory
from tests import factories
from tests.domain.organisations.people import (
    admin,
    invitation_token,
    org_user,
    provider,
    sign_in,
)
from tests.support.people import HERE, STAFF_PASSWORD, staff_principal


def audit_actions() -> list[str]:
    with transaction() as db:
        return list(db.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all())


def test_an_invited_provider_user_chooses_a_password_signs_in_and_lands_on_org(db):
    boss = admin()
    org = directory.create(boss, " Tokyo Seminars ", "provider", "Office@Seminars.example", "n")
    directory.invite_user(boss, org, "Clerk@Seminars.example", "Sato Clerk", "ja")
    [mail] = factories.outbox("clerk@seminars.example", "organisation_invite")
    assert mail.language == "ja"
    assert mail.params["organisation"] == "Tokyo Seminars"
    assert not signin.check_password(
        "clerk@seminars.example", STAFF_PASSWORD, HERE
    ).ok  # no password yet
    password_reset.complete(
        invitation_token("clerk@seminars.example"), STAFF_PASSWORD, STAFF_PASSWORD, HERE
    )
    # A first password changed nothing: no "your password was changed, if not you…" mail.
    assert factories.outbox("clerk@seminars.example", "password_changed") == []
    principal, _, landing = sign_in("clerk@seminars.example")
    assert (principal.kind, landing) == ("organisation", "/org")
    mine = area.overview(principal)
    assert (mine.name, mine.contact_email) == ("Tokyo Seminars", "office@seminars.example")
    assert [(u.name, u.status) for u in mine.users] == [("Sato Clerk", "active")]
    assert {"organisation.created", "organisation.user_invited"} <= set(audit_actions())


def test_input_is_checked_per_field_and_names_and_addresses_are_unique(db):
    boss = admin()
    with pytest.raises(FieldErrors) as refused:
        directory.create(boss, " ", "employer", "not-an-address", "x" * 2001)
    assert set(refused.value.fields) == {"name", "kind", "contact_email", "notes"}
    org = provider(boss)
    with pytest.raises(DomainError) as taken:
        directory.create(boss, "tokyo seminars", "provider", "")
    assert taken.value.key == "organisation.name_taken"
    with pytest.raises(FieldErrors) as bad_user:
        directory.invite_user(boss, org, "nope", "", "en")
    assert set(bad_user.value.fields) == {"email", "name"}
    with pytest.raises(DomainError) as in_use:
        directory.invite_user(boss, org, "org-admin@example.com", "Twin", "en")
    assert in_use.value.key == "email.taken"


def test_only_admins_change_organisations_and_only_staff_read_them(db):
    boss = admin()
    org = provider(boss)
    reviewer, _ = staff_principal("rev@example.com", "reviewer")
    clerk, _ = org_user(boss, "clerk@seminars.example", org)
    factories.registrant("reg@example.com", password=STAFF_PASSWORD)
    registrant, _, _ = sign_in("reg@example.com")
    for who in (reviewer, clerk, registrant):
        for action, args in (
            (directory.create, ("Other", "provider", "")),
            (directory.invite_user, (org, "x@example.com", "X", "en")),
            (directory.deactivate, (org,)),
            (directory.deactivate_user, (clerk.account_id,)),
        ):
            with pytest.raises(NotAllowed):
                action(who, *args)
    assert [o.name for o in directory.listing(reviewer)] == ["Tokyo Seminars"]
    for who in (clerk, registrant):
        with pytest.raises(NotAllowed):
            directory.listing(who)
        with pytest.raises(NotAllowed):
            directory.detail(who, org)


def test_only_an_organisation_user_has_an_organisation_area(db):
    boss = admin()
    factories.registrant("reg@example.com", password=STAFF_PASSWORD)
    registrant, _, landing = sign_in("reg@example.com")
    assert landing != "/org"
    for who in (boss, registrant):
        with pytest.raises(NotAllowed):
            area.overview(who)


def test_deactivating_an_organisation_ends_its_sessions_at_once(db):
    boss = admin()
    org = provider(boss)
    other = provider(boss, "Osaka Lectures")
    _, first = org_user(boss, "one@seminars.example", org)
    _, second = org_user(boss, "two@seminars.example", org)
    _, elsewhere = org_user(boss, "three@lectures.example", other)
    directory.deactivate(boss, org)
    assert sessions.resolve(first) is None and sessions.resolve(second) is None
    assert sessions.resolve(elsewhere) is not None
    assert not signin.check_password("one@seminars.example", STAFF_PASSWORD, HERE).ok
    detail = directory.detail(boss, org)
    assert detail.status == "deactivated"
    assert {u.status for u in detail.users} == {"disabled"}
    with pytest.raises(DomainError):
        directory.invite_user(boss, org, "late@seminars.example", "Late", "en")
    assert "organisation.deactivated" in audit_actions()


def test_deactivating_one_user_ends_only_their_sessions(db):
    boss = admin()
    org = provider(boss)
    gone, gone_secret = org_user(boss, "one@seminars.example", org)
    _, kept_secret = org_user(boss, "two@seminars.example", org)
    directory.deactivate_user(boss, gone.account_id)
    assert sessions.resolve(gone_secret) is None
    assert sessions.resolve(kept_secret) is not None
    with pytest.raises(DomainError):
        directory.deactivate_user(boss, boss.account_id)  # not an organisation user
    assert "organisation.user_deactivated" in audit_actions()


def test_an_organisation_user_resets_a_forgotten_password_like_a_registrant(db):
    boss = admin()
    org_user(boss, "clerk@seminars.example", provider(boss))
    password_reset.request("clerk@seminars.example", HERE)
    [mail] = factories.outbox("clerk@seminars.example", "password_reset")
    token = mail.params["link"].split("token=")[1]
    password_reset.complete(token, "Another-Garden-77", "Another-Garden-77", HERE)
    assert signin.check_password("clerk@seminars.example", "Another-Garden-77", HERE).ok
    assert len(factories.outbox("clerk@seminars.example", "password_changed")) == 1


def test_an_organisation_user_changes_their_address_like_a_registrant(db):
    boss = admin()
    clerk, secret = org_user(boss, "clerk@seminars.example", provider(boss))
    account_changes.request_email_change(
        clerk, "Desk@Seminars.example", "desk@seminars.example", STAFF_PASSWORD
    )
    [mail] = factories.outbox("desk@seminars.example", "email_change_confirm")
    account_changes.confirm_email_change(mail.params["link"].split("token=")[1], HERE)
    assert sessions.resolve(secret) is None  # every session ends with the change
    principal, _, landing = sign_in("desk@seminars.example")
    assert landing == "/org" and area.overview(principal).users[0].email == "desk@seminars.example"
