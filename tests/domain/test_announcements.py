"""Announcements: segments as SQL, topic opt-outs, copies in the reader's language with the
unsubscribe links, notices, cancelling, the bulk pace — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select, update

from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import Account, AccountStatus
from portal.domain.communications import announcement_queue, announcements, notices, segments
from portal.domain.communications.tables import Announcement, NoticeRecipient
from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors, NotAllowed
from portal.domain.outbox.tables import OutboxMessage, OutboxStatus
from portal.mail import delivery
from tests import factories
from tests.domain.communications_people import population
from tests.support.catalogue import add_topic
from tests.support.people import HERE, acting_as, sign_in, staff_principal

MESSAGE = {
    "topic": "news",
    "subject_en": "Seminar in May",
    "body_en": "Dear members, {not a placeholder}",
    "subject_ja": "5月の研修会",
    "body_ja": "会員の皆さま",
    "by_mail": True,
    "as_notice": True,
}


def reach(**criteria) -> tuple[int, int]:
    with transaction() as db:
        found = segments.reach(db, segments.parse(db, criteria), criteria.pop("topic", "news"))
    return found.mail, found.notice


def copies(announcement_id: int) -> list[OutboxMessage]:
    with transaction() as db:
        rows = db.exec(
            select(OutboxMessage)
            .where(OutboxMessage.announcement_id == announcement_id)
            .order_by(OutboxMessage.recipient)
        ).all()
    return [factories.opened(row) for row in rows]


def test_each_criterion_and_their_combinations(db):
    population()
    soon = (today() + dt.timedelta(days=60)).isoformat()
    assert reach() == (4, 4)  # news: general, student, old student, paper; notices: accounts
    assert reach(categories=["student"]) == (2, 2)
    assert reach(statuses=["active"], categories=["student"]) == (1, 1)
    assert reach(valid_until_to=soon) == (0, 1)  # "quiet" ends soon but chose no news
    assert reach(valid_until_to=soon, topic="newsletter") == (1, 1)
    assert reach(account="without") == (1, 0)
    assert reach(account="with", statuses=["expired"]) == (1, 1)
    assert reach(categories=["general"], account="without") == (1, 0)
    assert reach(topic="newsletter") == (5, 4)  # everyone subscribes in these tests but no-address


def test_renewal_requirement_not_met(db):
    people = population()
    from tests.domain.communications_people import change

    change(people["general"], newsletter=False)
    # nobody has the points or the course in these tests, so everyone misses something
    assert reach(requirement_not_met=True) == reach()
    assert reach(requirement_not_met=True, topic="newsletter") == (4, 4)


@pytest.mark.parametrize(
    ("criteria", "wrong"),
    [
        ({"categories": ["nope"]}, "categories"),
        ({"statuses": ["dead"]}, "statuses"),
        ({"valid_until_from": "2030-02-30"}, "valid_until_from"),
        ({"valid_until_from": "2030-02-01", "valid_until_to": "2030-01-01"}, "valid_until_to"),
        ({"account": "maybe"}, "account"),
    ],
)
def test_bad_criteria_are_named(db, criteria, wrong):
    with transaction() as db_session, pytest.raises(FieldErrors) as refused:
        segments.parse(db_session, criteria)
    assert wrong in refused.value.fields


def test_an_added_topic_respects_choices_and_its_default(db):
    people = population()
    add_topic("events", default_on=True)
    assert reach(topic="events") == (5, 4)
    from portal.domain.registry import records

    records.apply(acting_as(people["general"]), "mail", {"topic:events": False})
    assert reach(topic="events") == (4, 4)  # the notice still reaches them


def test_sending_writes_one_copy_each_in_their_language_with_links_and_notices(db):
    people = population()
    admin, _ = staff_principal("writer@example.com")
    checked = announcements.check(admin, {**MESSAGE, "categories": ["student"]})
    assert (checked.reach.mail, checked.reach.notice) == (2, 2) and checked.draft.missing == []
    assert [m.address for m in checked.sample] == ["student@example.com", "old@example.com"]
    sent = announcements.send(
        Actor(admin.principal, "10.0.0.1"), {**MESSAGE, "categories": ["student"]}
    )
    assert copies(sent) == []  # nothing is written in the request
    assert announcement_queue.run_all(size=1) >= 2
    mails = copies(sent)
    assert [(m.recipient, m.language, m.params["subject"]) for m in mails] == [
        ("old@example.com", "en", "Seminar in May"),
        ("student@example.com", "ja", "5月の研修会"),
    ]
    assert (
        mails[0]
        .params["unsubscribe_url"]
        .startswith("http://localhost:3000/mail/unsubscribe?token=")
    )
    assert "topic=news" in mails[0].params["unsubscribe_url"]
    rendered = delivery.build_message(mails[0], delivery.get_settings())
    assert "{not a placeholder}" in rendered.get_content()
    # The news is received unless turned off: the footer claims no choice the reader made.
    assert 'your mail settings include "Association news"' in rendered.get_content()
    assert "chose" not in rendered.get_content()
    assert rendered["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    student = sign_in("student@example.com")[0]
    [notice] = notices.for_registrant(student)
    assert (notice.subject, notice.read) == ("5月の研修会", False)
    notices.mark_read(student, notice.id)
    assert notices.for_registrant(student)[0].read
    general = sign_in("general@example.com")[0]
    notices.mark_read(general, notice.id)  # not theirs: nothing happens
    assert notices.for_registrant(general) == []
    assert people  # the population stays as set up


def test_a_missing_translation_falls_back_and_is_pointed_out(db):
    population()
    admin, _ = staff_principal("half@example.com")
    english_only = {**MESSAGE, "subject_ja": "", "body_ja": "", "categories": ["student"]}
    assert announcements.check(admin, english_only).draft.missing == ["ja"]
    sent = announcements.send(admin, english_only)
    announcement_queue.run_all()
    assert {m.language for m in copies(sent)} == {"en"}


def test_messages_need_text_a_topic_and_a_way(db):
    admin, _ = staff_principal("strict@example.com")
    with pytest.raises(FieldErrors) as refused:
        announcements.check(
            admin, {"topic": "ghost", "subject_en": "x", "by_mail": False, "send_at": "soon"}
        )
    assert {"topic", "subject_en", "body_en", "by_mail", "send_at"} <= set(refused.value.fields)


def test_cancel_withdraws_what_was_not_sent_and_stops_the_queueing(db):
    population()
    admin, _ = staff_principal("cancel@example.com")
    delivery.deliver_due()  # the sign-in code: out of the way
    sent = announcements.send(admin, MESSAGE)
    announcement_queue.run_batch(size=2)
    assert len(copies(sent)) == 2
    delivery.deliver_due(limit=1)  # one copy goes out (logged: no SMTP in tests)
    assert announcements.cancel(admin, sent) == 1
    assert announcement_queue.run_all() == 0
    statuses = sorted(m.status for m in copies(sent))
    assert statuses == [OutboxStatus.CANCELLED, OutboxStatus.LOGGED]
    [row] = announcements.listing(admin)
    assert (row.status, row.delivered, row.withdrawn) == ("cancelled", 1, 1)
    with pytest.raises(DomainError):
        announcements.cancel(admin, sent)


def test_a_scheduled_announcement_waits_for_its_time(db, frozen):
    population()
    admin, _ = staff_principal("later@example.com")
    later = (frozen.now + dt.timedelta(hours=2)).astimezone(dt.UTC)
    sent = announcements.send(admin, {**MESSAGE, "send_at": later.isoformat()})
    assert announcement_queue.run_all() == 0
    assert [a.progress for a in announcements.listing(admin)] == ["scheduled"]
    frozen.advance(hours=3)
    assert [a.progress for a in announcements.listing(admin)] == ["sending"]  # its time came
    assert announcement_queue.run_all() >= 1 and copies(sent)


def test_two_writers_never_write_a_range_twice(db):
    population()
    admin, _ = staff_principal("race@example.com")
    sent = announcements.send(admin, MESSAGE)
    with transaction() as db_session:
        db_session.execute(update(Announcement).values(last_record_id=0))
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: announcement_queue.run_all(size=1), range(4)))
    assert len(copies(sent)) == 4
    with transaction() as db_session:
        assert len(db_session.exec(select(NoticeRecipient)).all()) == 4


def test_bulk_copies_go_at_the_configured_pace_after_personal_mail(db, configure):
    configure(PORTAL_BULK_MAIL_PER_MINUTE="2")
    population()
    admin, _ = staff_principal("pace@example.com")
    announcements.send(admin, MESSAGE)
    announcement_queue.run_all()
    factories.registrant("personal@example.com")  # no mail yet; queue one personal message
    from portal.domain.accounts import signin

    signin.check_password("personal@example.com", factories.PASSWORD, HERE)
    first = delivery.deliver_due(limit=50)
    assert first.logged == 1 + 2 + 1  # the staff sign-in code, personal code, 2 copies
    assert delivery.deliver_due(limit=50).logged == 0  # the minute's allowance is spent


def test_only_admins_send_and_cancel_and_registrants_read_nothing(db):
    reviewer, _ = staff_principal("reader@example.com", role="reviewer")
    assert announcements.listing(reviewer) == []
    announcements.check(reviewer, MESSAGE)
    with pytest.raises(NotAllowed):
        announcements.send(reviewer, MESSAGE)
    factories.registrant("member@example.com")
    member = sign_in("member@example.com")[0]
    for call in (
        lambda: announcements.check(member, MESSAGE),
        lambda: announcements.listing(member),
        lambda: announcements.cancel(member, 1),
    ):
        with pytest.raises(NotAllowed):
            call()


def test_an_invited_person_who_never_activated_has_no_account_for_segments(db):
    population()
    invited = factories.registrant("invited@example.com", password="")
    from tests.domain.communications_people import change

    change(invited, other_notices=True)
    with transaction() as db:
        db.get(Account, invited).status = AccountStatus.INVITED
    assert reach(account="with") == (3, 4)  # general, student, old student; quiet by notice
    assert reach(account="without") == (2, 0)  # the paper record and the invited person
    assert reach() == (5, 4)  # mailed as a registry address, never given a notice
    with transaction() as db:
        members, _ = segments.page(db, segments.parse(db, {}), "news", 0, 100)
    [member] = [m for m in members if m.address == "invited@example.com"]
    assert member.gets_mail and not member.has_account
