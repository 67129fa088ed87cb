"""Invitation, proof of identity, consent and the first password; self-service requests."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import select

from portal.domain.accounts import activation, legal, sessions, signin
from portal.domain.accounts.tables import Account, ActionToken, ActivationRequest, Consent
from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors
from portal.domain.core.origin import SYSTEM, Origin
from portal.domain.registry.tables import RegistryRecord
from tests import factories
from tests.support.people import HERE, acting_as

BIRTH = dt.date(1985, 4, 23)
PASSWORD = "First-light-2026!"


def record(number="R000001", email="new@example.com") -> None:
    """A registry record imported by staff: no account yet."""
    with transaction() as db:
        db.add(
            RegistryRecord(
                registration_number=number,
                family_name="Mori",
                given_name="Aoi",
                birth_date=BIRTH,
                email=email,
                valid_until=today() + dt.timedelta(days=500),
            )
        )


def invited_code(email="new@example.com") -> str:
    return factories.outbox(email, "activation_invite")[-1].params["code"]


def accepted() -> dict[str, str]:
    return legal.current_versions()


def test_invitation_then_activation_then_sign_in(db):
    record()
    assert activation.invite("R000001", SYSTEM) == "new@example.com"
    code = invited_code()
    assert not signin.check_password("new@example.com", code, HERE).ok  # the code is no password
    identity = activation.prove_identity(code.lower(), "R000001", "１９８５年４月２３日", HERE)
    assert identity.name == "Mori Aoi" and identity.email == "new@example.com"
    activation.complete(
        code, "R000001", "1985-04-23", accepted(), PASSWORD, PASSWORD, Origin("10.1.1.1")
    )
    assert signin.check_password("new@example.com", PASSWORD, HERE).ok
    with transaction() as session:
        consents = {(c.document, c.version) for c in session.exec(select(Consent)).all()}
    assert consents == set(accepted().items())
    with pytest.raises(DomainError, match=r"activation\.no_match"):
        activation.complete(code, "R000001", "1985-04-23", accepted(), PASSWORD, PASSWORD, HERE)


def test_code_is_stored_as_digest_and_expires_after_five_days(db, frozen):
    record()
    activation.invite("R000001", SYSTEM)
    code = invited_code()
    with transaction() as session:
        assert code.replace("-", "") not in session.exec(select(ActionToken.token_digest)).one()
    frozen.advance(days=5, seconds=1)
    with pytest.raises(DomainError, match=r"activation\.no_match"):
        activation.prove_identity(code, "R000001", "1985-04-23", HERE)


def test_ten_wrong_details_void_the_code(db):
    record()
    activation.invite("R000001", SYSTEM)
    code = invited_code()
    for _ in range(9):
        with pytest.raises(DomainError, match=r"activation\.no_match"):
            activation.prove_identity(code, "R000001", "1990-01-01", HERE)
    with pytest.raises(DomainError, match=r"activation\.code_void"):
        activation.prove_identity(code, "R999999", "1985-04-23", HERE)
    with pytest.raises(DomainError, match=r"activation\.no_match"):
        activation.prove_identity(code, "R000001", "1985-04-23", HERE)  # even the right details now


def test_resending_voids_the_old_code(db):
    record()
    activation.invite("R000001", SYSTEM)
    old = invited_code()
    activation.invite("R000001", SYSTEM)
    with pytest.raises(DomainError):
        activation.prove_identity(old, "R000001", "1985-04-23", HERE)
    activation.prove_identity(invited_code(), "R000001", "1985-04-23", HERE)


def test_both_documents_must_be_accepted_in_their_current_version(db):
    record()
    activation.invite("R000001", SYSTEM)
    code = invited_code()
    with pytest.raises(FieldErrors) as refused:
        activation.complete(
            code, "R000001", "1985-04-23", {"terms": accepted()["terms"]}, PASSWORD, PASSWORD, HERE
        )
    assert set(refused.value.fields) == {"privacy"}
    stale = {"terms": "1999-01-01", "privacy": accepted()["privacy"]}
    with pytest.raises(FieldErrors) as old_version:
        activation.complete(code, "R000001", "1985-04-23", stale, PASSWORD, PASSWORD, HERE)
    assert set(old_version.value.fields) == {"terms"}


def test_identity_fields_are_checked_with_reasons(db):
    with pytest.raises(FieldErrors) as refused:
        activation.prove_identity("", " ", "23/04/85", HERE)
    assert set(refused.value.fields) == {"code", "registration_number", "birth_date"}


def test_two_simultaneous_activations_succeed_once(db):
    record()
    activation.invite("R000001", SYSTEM)
    code = invited_code()

    def attempt(n):
        try:
            activation.complete(
                code,
                "R000001",
                "1985-04-23",
                accepted(),
                f"Parallel-{n}-pass!",
                f"Parallel-{n}-pass!",
                HERE,
            )
            return n
        except DomainError:
            return None

    with ThreadPoolExecutor(max_workers=4) as pool:
        winners = [n for n in pool.map(attempt, range(4)) if n is not None]
    assert len(winners) == 1


def test_invite_refusals(db):
    with pytest.raises(DomainError, match=r"activation\.unknown_record"):
        activation.invite("NOPE", SYSTEM)
    record("R000002", email=None)
    with pytest.raises(DomainError, match=r"activation\.no_email"):
        activation.invite("R000002", SYSTEM)
    factories.registrant("active@example.com")
    with transaction() as session:
        number = session.exec(
            select(RegistryRecord.registration_number).where(
                RegistryRecord.email == "active@example.com"
            )
        ).one()
    with pytest.raises(DomainError, match=r"activation\.already_active"):
        activation.invite(number, SYSTEM)


def test_self_service_request_with_matching_address_sends_the_invitation(db):
    record(email="Match@Example.com")
    activation.request("R000001", "1985/4/23", "match@example.com", HERE)
    assert invited_code("match@example.com")


def test_self_service_request_with_new_address_waits_for_staff(db):
    record(email="old@example.com")
    activation.request("R000001", "1985-04-23", "changed@example.com", HERE)
    assert factories.outbox() == []
    [pending] = activation.pending_requests()
    assert (
        pending.requested_email == "changed@example.com"
        and pending.registry_email == "old@example.com"
    )
    activation.approve_request(pending.id, SYSTEM)
    assert invited_code("changed@example.com")
    assert activation.pending_requests() == []


def test_self_service_request_that_matches_nothing_does_nothing(db):
    record()
    activation.request("R000001", "1990-01-01", "new@example.com", HERE)
    activation.request("R999999", "1985-04-23", "new@example.com", HERE)
    with transaction() as session:
        assert session.exec(select(ActivationRequest)).all() == []
    assert factories.outbox() == []


def test_closed_account_can_be_invited_again(db):
    from portal.domain.accounts import account_changes

    account_id = factories.registrant("again@example.com")
    account_changes.close(factories.fresh_session(account_id), True, factories.PASSWORD)
    with transaction() as session:
        number = session.exec(
            select(RegistryRecord.registration_number).where(
                RegistryRecord.account_id == account_id
            )
        ).one()
    activation.invite(number, SYSTEM)
    code = invited_code("again@example.com")
    activation.complete(code, number, "1985-01-01", accepted(), PASSWORD, PASSWORD, HERE)
    assert signin.check_password("again@example.com", PASSWORD, HERE).ok
    with transaction() as session:
        assert session.get(Account, account_id).status == "active"


def test_legal_texts_exist_in_both_languages_with_one_version():
    for document in legal.DOCUMENTS:
        en, ja = legal.text(document, "en"), legal.text(document, "ja")
        assert en.version == ja.version and en.markdown.strip() and ja.markdown.strip()


def test_a_new_version_is_asked_for_at_the_next_sign_in(db, configure, tmp_path):
    from portal.domain.accounts import consents

    factories.registrant("reader@example.com")
    step = signin.check_password("reader@example.com", factories.PASSWORD, HERE)
    ticket = signin.verify_code(
        step.attempt, factories.last_code("reader@example.com"), HERE
    ).ticket
    assert signin.redeem_ticket(ticket, HERE).landing == "/mypage"
    for document in legal.DOCUMENTS:
        for lang in ("en", "ja"):
            body = legal.text(document, lang).markdown
            (tmp_path / f"{document}.{lang}.md").write_text(f"Version: 2027-01-01\n\n{body}")
    configure(PORTAL_LEGAL_DIR=str(tmp_path))
    step = signin.check_password("reader@example.com", factories.PASSWORD, HERE)
    ticket = signin.verify_code(
        step.attempt, factories.last_code("reader@example.com"), HERE
    ).ticket
    start = signin.redeem_ticket(ticket, HERE)
    assert start.landing == "/consent"
    with transaction() as session:
        account_id = session.exec(
            select(Account.id).where(Account.email == "reader@example.com")
        ).one()
    assert consents.missing(account_id) == ["terms", "privacy"]
    # the session check finds the same in its own read (My page relies on it)
    assert sessions.resolve(start.secret).consent_missing == ("terms", "privacy")
    with pytest.raises(FieldErrors):
        consents.accept(acting_as(account_id), {"terms": "2026-11-01", "privacy": "2027-01-01"})
    consents.accept(acting_as(account_id), {"terms": "2027-01-01", "privacy": "2027-01-01"})
    assert consents.missing(account_id) == []
    assert sessions.resolve(start.secret).consent_missing == ()


def test_lifetimes_and_tries_follow_the_settings(db, configure, frozen):
    from portal.domain.accounts import password_reset

    configure(PORTAL_ACTIVATION_TRIES="3", PORTAL_RESET_LINK_HOURS="1")
    record()
    activation.invite("R000001", SYSTEM)
    code = invited_code()
    for _ in range(2):
        with pytest.raises(DomainError, match=r"activation\.no_match"):
            activation.prove_identity(code, "R000001", "1990-01-01", HERE)
    with pytest.raises(DomainError, match=r"activation\.code_void"):
        activation.prove_identity(code, "R000001", "1990-01-01", HERE)
    factories.registrant("hour@example.com")
    password_reset.request("hour@example.com", HERE)
    link = factories.outbox("hour@example.com", "password_reset")[-1]
    assert link.params["hours"] == 1
    frozen.advance(hours=1, seconds=1)
    assert not password_reset.link_is_live(link.params["link"].split("token=")[1])


def test_an_edited_legal_text_is_in_force_at_once(tmp_path, configure):
    for document in legal.DOCUMENTS:
        for lang in ("en", "ja"):
            (tmp_path / f"{document}.{lang}.md").write_text("Version: 1\n\nText.")
    configure(PORTAL_LEGAL_DIR=str(tmp_path))
    assert legal.current_versions() == {"terms": "1", "privacy": "1"}
    (tmp_path / "terms.en.md").write_text("Version: 2027-04-01\n\nNew text.")
    assert legal.current_versions() == {"terms": "2027-04-01", "privacy": "1"}
