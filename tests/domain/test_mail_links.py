"""Mail preferences without signing in: what a link opens, what one-click changes, and the
headers topic mail carries."""

from sqlmodel import select
from starlette.testclient import TestClient

from portal.api.routes import build_api
from portal.domain.communications import preference_links
from portal.domain.core.db import transaction
from portal.domain.outbox.tables import OutboxMessage
from portal.domain.registry import records
from portal.domain.registry.tables import RecordChange, RegistryRecord
from portal.mail.delivery import build_message
from portal.settings import get_settings
from tests import factories
from tests.support.catalogue import add_topic
from tests.support.people import HERE, acting_as


def token(email: str) -> str:
    account_id = factories.registrant(email)
    with transaction() as db:
        record = db.exec(
            select(RegistryRecord).where(RegistryRecord.account_id == account_id)
        ).one()
    return preference_links.token_for(record.id, email), account_id


def test_a_link_shows_only_that_addresses_topics_masked(db):
    add_topic("events", default_on=True)
    link, _ = token("hanako@example.com")
    found = preference_links.read(link)
    assert found.address == "ha••••@example.com"
    assert [(t.code, on) for t, on in found.topics] == [
        ("newsletter", True),
        ("news", False),
        ("events", True),
    ]
    other, _ = token("taro@example.com")
    record_id = link.split(".")[0]
    forged = f"{record_id}.{other.split('.')[1]}"  # another address's seal on this record
    for bad in (forged, "", "x.y", f"{record_id}.", link + "0", None, "9" * 20 + ".a"):
        assert preference_links.read(bad) is None


def test_saving_choices_records_history_and_a_changed_address_voids_old_links(db):
    add_topic("events", default_on=True)
    link, account_id = token("move@example.com")
    assert preference_links.save(link, {"topic:events": False, "other_notices": True}, HERE)
    assert records.view(acting_as(account_id)).values["topic:events"] is False
    with transaction() as db_session:
        rows = db_session.exec(select(RecordChange)).all()
        assert {(r.section, r.field, r.changed_by) for r in rows} == {
            ("mail", "topic:events", account_id),
            ("mail", "other_notices", account_id),
        }
        from portal.domain.accounts.tables import Account

        db_session.get(Account, account_id).email = "moved@example.com"
    assert preference_links.read(link) is None and not preference_links.save(link, {}, HERE)


def test_one_click_turns_off_exactly_one_topic_and_a_get_changes_nothing(db):
    add_topic("events", default_on=True)
    link, account_id = token("click@example.com")
    http = TestClient(build_api(), base_url="http://localhost:3000", follow_redirects=False)
    url = f"/mail/unsubscribe?token={link}&topic=events"
    looked = http.get(url)
    assert looked.status_code == 303 and looked.headers["location"].startswith("/mail/preferences")
    assert records.view(acting_as(account_id)).values["topic:events"] is True
    done = http.post(url, content=b"List-Unsubscribe=One-Click")
    assert done.status_code == 200
    values = records.view(acting_as(account_id)).values
    assert (values["topic:events"], values["newsletter"]) == (False, True)
    assert http.post(f"/mail/unsubscribe?token={link}&topic=ghost").status_code == 400
    assert http.post("/mail/unsubscribe?token=1.forged&topic=events").status_code == 400


def test_one_click_off_the_newsletter_says_it_is_a_renewal_requirement(db):
    link, account_id = token("news@example.com")
    assert preference_links.one_click_off(link, "newsletter", HERE)
    assert records.view(acting_as(account_id)).values["newsletter"] is False
    [mail] = factories.outbox("news@example.com", "newsletter_off")
    assert mail.params["link"].startswith("http://localhost:3000/mail/preferences?token=")
    assert preference_links.one_click_off(link, "newsletter", HERE)  # again: nothing more is sent
    assert len(factories.outbox("news@example.com", "newsletter_off")) == 1


def test_topic_mail_carries_list_unsubscribe_headers(db):
    url = preference_links.one_click_url(7, "a@example.com", "news")
    message = OutboxMessage(
        id=1,
        recipient="a@example.com",
        template="newsletter_off",
        language="en",
        params={"link": "x", "unsubscribe_url": url},
    )
    mail = build_message(message, get_settings())
    assert mail["List-Unsubscribe"] == f"<{url}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    plain = build_message(
        OutboxMessage(
            id=2, recipient="a@example.com", template="newsletter_off", params={"link": "x"}
        ),
        get_settings(),
    )
    assert plain["List-Unsubscribe"] is None
