import re
from email.header import decode_header, make_header

import pytest
from sqlalchemy import text
from sqlmodel import select

from portal.domain.core.db import transaction
from portal.domain.outbox import post
from portal.domain.outbox.tables import OutboxMessage, OutboxStatus
from portal.mail import delivery, render
from tests.smtp_sink import SmtpSink, free_port


def queue(template="signin_code", language="en", recipient="hanako@example.com", **params):
    params = params or {"code": "123456", "minutes": 10}
    with transaction() as db:
        post.enqueue(db, recipient, template, language, **params)


def rows():
    with transaction() as db:
        return list(db.exec(select(OutboxMessage)).all())


def test_mail_is_written_only_when_the_change_commits(db):
    with pytest.raises(RuntimeError), transaction() as session:
        post.enqueue(session, "x@example.com", "signin_code", "en", code="1", minutes=10)
        raise RuntimeError("the change failed")
    assert rows() == []


def test_without_smtp_the_log_names_the_mail_but_never_prints_its_code(db, caplog):
    queue()
    report = delivery.deliver_due()
    assert report.logged == 1
    [row] = rows()
    assert row.status == OutboxStatus.LOGGED
    assert "signin_code" in caplog.text and "hanako@example.com" in caplog.text
    assert "123456" not in caplog.text


def test_the_development_setting_prints_whole_mails(db, configure, caplog):
    configure(PORTAL_MAIL_LOG_BODIES="true")
    queue()
    assert delivery.deliver_due().logged == 1
    assert "123456" in caplog.text


def test_a_copy_of_the_database_holds_no_live_code_or_link(db, configure):
    """Read as someone with the database but not the server's key would: the stored row
    has neither the code nor the token; the mail that leaves has both."""
    link = "https://portal.example.org/password/reset?token=" + "t" * 43
    with transaction() as session:
        post.enqueue(session, "a@example.com", "signin_code", "en", code="654321", minutes=10)
        post.enqueue(session, "a@example.com", "password_reset", "en", link=link, hours=24)
    with transaction() as session:
        stored = " ".join(
            str(p) for (p,) in session.execute(text("SELECT params FROM outbox_message"))
        )
    assert "654321" not in stored and "t" * 43 not in stored and "minutes" in stored
    with SmtpSink() as sink:
        configure(PORTAL_SMTP_HOST="127.0.0.1", PORTAL_SMTP_PORT=str(sink.port))
        assert delivery.deliver_due().sent == 2
        bodies = " ".join(m.get_content() for m in sink.wait_for("a@example.com", count=2))
    assert "654321" in bodies and link in bodies


def test_delivers_over_smtp_in_the_recipients_language(db, configure):
    with SmtpSink() as sink:
        configure(PORTAL_SMTP_HOST="127.0.0.1", PORTAL_SMTP_PORT=str(sink.port))
        queue(language="ja")
        assert delivery.deliver_due().sent == 1
        [mail] = sink.wait_for("hanako@example.com")
    assert "ワンタイムパスワード" in mail["Subject"]
    body = mail.get_content()
    assert "123456" in body and "<br>" not in body
    assert rows()[0].status == OutboxStatus.SENT


def test_server_down_keeps_mail_and_retries_with_backoff(db, configure, frozen):
    configure(PORTAL_SMTP_HOST="127.0.0.1", PORTAL_SMTP_PORT=str(free_port()))
    queue()
    report = delivery.deliver_due()
    assert report.retrying == 1
    row = rows()[0]
    assert row.status == OutboxStatus.PENDING and row.attempts == 1 and row.last_error
    assert delivery.deliver_due().handled == 0  # not due yet
    for _ in range(delivery.MAX_ATTEMPTS - 1):
        frozen.advance(hours=7)
        delivery.deliver_due()
    row = rows()[0]
    assert row.status == OutboxStatus.FAILED and row.attempts == delivery.MAX_ATTEMPTS


def test_outage_then_recovery_sends_each_message_once(db, configure, frozen):
    down_port = free_port()
    configure(PORTAL_SMTP_HOST="127.0.0.1", PORTAL_SMTP_PORT=str(down_port))
    for n in range(3):
        queue(recipient=f"p{n}@example.com")
    assert delivery.deliver_due().retrying == 3
    with SmtpSink() as sink:
        configure(PORTAL_SMTP_HOST="127.0.0.1", PORTAL_SMTP_PORT=str(sink.port))
        frozen.advance(minutes=5)
        assert delivery.deliver_due().sent == 3
        assert delivery.deliver_due().handled == 0
        assert len(sink.messages) == 3


def test_every_template_exists_in_both_languages_and_renders():
    assert render.template_names("en") == render.template_names("ja")
    for language in ("en", "ja"):
        mail = render.render("account_locked", language, {"minutes": 30})
        assert "30" in mail.body and "\n" not in mail.subject


@pytest.mark.parametrize(
    ("language", "params", "shown"),
    [
        ("en", {"minutes": 1}, "It is valid for 1 minute and works once."),
        ("en", {"minutes": 10}, "It is valid for 10 minutes and works once."),
        ("ja", {"minutes": 10}, "有効期間は10分で、1回だけ使えます。"),
    ],
)
def test_durations_in_mail_read_with_their_plural(language, params, shown):
    mail = render.render("signin_code", language, {"code": "123456", **params})
    assert shown in " ".join(mail.body.split())


def test_approved_points_in_mail_read_with_their_plural():
    one = render.render(
        "claim_approved", "en", {"title": "Ethics", "points": 1, "reason": "", "link": "x"}
    )
    three = render.render(
        "claim_approved", "en", {"title": "Ethics", "points": 3, "reason": "", "link": "x"}
    )
    assert "approved for 1 point," in one.body and "approved for 3 points," in three.body


def raw_headers(raw: bytes) -> dict[str, str]:
    """The header lines of a message as received, unfolded (RFC 5322 §2.2.3) but not decoded."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    unfolded = re.sub(r"\r\n(?=[ \t])", "", head)
    return dict(line.split(": ", 1) for line in unfolded.split("\r\n"))


def test_headers_a_mail_client_reads_arrive_readable(db, configure):
    """The one-click unsubscribe address arrives as <https://…> (mail clients do not decode
    encoded words there), and Japanese subjects and senders as RFC 2047 words that decode."""
    url = "https://portal.example.org/mail/unsubscribe?token=" + "x" * 120
    with SmtpSink() as sink:
        configure(
            PORTAL_SMTP_HOST="127.0.0.1",
            PORTAL_SMTP_PORT=str(sink.port),
            PORTAL_ASSOCIATION_NAME="日本登録協会 事務局",
            PORTAL_MAIL_FROM="office@example.org",
        )
        queue(
            "announcement",
            language="ja",
            subject="5月の研修会のご案内（学生向け）と会員の皆さまへのお知らせ",
            body="会員の皆さま",
            topic="お知らせ",
            preferences_url="https://portal.example.org/mail/preferences?token=abc",
            unsubscribe_url=url,
        )
        assert delivery.deliver_due().sent == 1
        [raw] = sink.raw
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    headers = raw_headers(raw)
    assert headers["List-Unsubscribe"] == f"<{url}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    subject = str(make_header(decode_header(headers["Subject"])))
    assert subject.startswith("5月の研修会のご案内（学生向け）")
    sender = str(make_header(decode_header(headers["From"])))
    assert sender == "日本登録協会 事務局 <office@example.org>"


@pytest.mark.parametrize("template", ["claim_approved", "proposal_approved"])
@pytest.mark.parametrize("language", ["en", "ja"])
def test_an_approval_without_a_note_has_no_note_line(template, language):
    params = {"title": "Ethics", "points": 2, "link": "x"}
    without = render.render(template, language, {**params, "reason": ""}).body
    given = render.render(template, language, {**params, "reason": "Well documented."}).body
    assert "Well documented." in given
    note_line = next(line for line in given.splitlines() if "Well documented." in line)
    note_label = note_line.split("Well documented.")[0].strip()
    assert note_label and note_label not in without and ": -" not in without
    assert "Ethics" in without
