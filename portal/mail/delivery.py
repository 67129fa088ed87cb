"""Draining the outbox: SMTP through yagmail, or the log when no SMTP server is configured.

Guarantees: each message is claimed by exactly one deliverer (a conditional
UPDATE), so several workers never send it twice; announcement copies start at most
PORTAL_BULK_MAIL_PER_MINUTE a minute (counted by claim time, shared by all workers through
the table; two workers claiming at the same instant may together overshoot one batch), and
never hold up a person's own mail; a failed send is retried
with exponential backoff and ends in the visible `failed` state after
MAX_ATTEMPTS; a deliverer that died mid-send releases its claim after
CLAIM_TIMEOUT. Everything here blocks: run it in a thread.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import formataddr, make_msgid

import yagmail
from sqlmodel import col, func, select, update

from portal.domain.core.clock import utcnow
from portal.domain.core.db import transaction
from portal.domain.outbox import sealed_params
from portal.domain.outbox.tables import OutboxMessage, OutboxStatus
from portal.mail.render import render
from portal.settings import Settings, get_settings

log = logging.getLogger("portal.mail")

MAX_ATTEMPTS = 8
CLAIM_TIMEOUT = dt.timedelta(minutes=10)
BATCH = 50
BULK_WINDOW = dt.timedelta(minutes=1)


@dataclass
class DeliveryReport:
    """How many messages one run handled, by outcome."""

    sent: int = 0
    logged: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.logged + self.retrying + self.failed


def backoff(attempts: int) -> dt.timedelta:
    """The wait before attempt number `attempts + 1`: 30 s doubling, at most 6 hours."""
    return min(dt.timedelta(seconds=30 * 2 ** (attempts - 1)), dt.timedelta(hours=6))


def _bulk_allowance(db, now: dt.datetime) -> int:
    """How many announcement copies may still start this minute (PORTAL_BULK_MAIL_PER_MINUTE)."""
    started = db.exec(
        select(func.count())
        .select_from(OutboxMessage)
        .where(col(OutboxMessage.announcement_id).is_not(None))
        .where(col(OutboxMessage.claimed_at) > now - BULK_WINDOW)
    ).one()
    return max(get_settings().mail.bulk_per_minute - started, 0)


def _claim(limit: int) -> list[OutboxMessage]:
    now = utcnow()
    with transaction() as db:
        db.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.SENDING)
            .where(col(OutboxMessage.claimed_at) < now - CLAIM_TIMEOUT)
            .values(status=OutboxStatus.PENDING)
        )
        due = (
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING)
            .where(OutboxMessage.next_attempt_at <= now)
            .order_by(col(OutboxMessage.id))
        )
        # Mail about one person's own business first; announcement copies at the bulk pace.
        candidates = list(
            db.exec(due.where(col(OutboxMessage.announcement_id).is_(None)).limit(limit)).all()
        )
        room = min(limit - len(candidates), _bulk_allowance(db, now))
        if room > 0:
            candidates += db.exec(
                due.where(col(OutboxMessage.announcement_id).is_not(None)).limit(room)
            ).all()
        claimed = []
        for message in candidates:
            result = db.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == message.id)
                .where(OutboxMessage.status == OutboxStatus.PENDING)
                .values(status=OutboxStatus.SENDING, claimed_at=now)
            )
            if result.rowcount == 1:
                claimed.append(message)
        return claimed


def _finish(message_id: int, **values) -> None:
    with transaction() as db:
        db.execute(
            update(OutboxMessage).where(col(OutboxMessage.id) == message_id).values(**values)
        )


# Headers a mail client parses for a URL: it does not decode RFC 2047 words there.
_VERBATIM = frozenset({"list-unsubscribe", "list-unsubscribe-post"})


class _MailPolicy(EmailPolicy):
    """The default policy, except that the List-Unsubscribe headers are written on one line
    as they are (an address is ASCII and far below the 998-octet limit) instead of being
    folded at 78 columns into encoded words that no mail client reads."""

    def fold(self, name: str, value: str) -> str:
        if name.lower() in _VERBATIM and str(value).isascii():
            return f"{name}: {value}{self.linesep}"
        return super().fold(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        if name.lower() in _VERBATIM and str(value).isascii():
            return self.fold(name, value).encode("ascii")
        return super().fold_binary(name, value)


MAIL_POLICY = _MailPolicy()


def build_message(message: OutboxMessage, settings: Settings) -> EmailMessage:
    """The MIME message for one outbox row: a clean UTF-8 text/plain part."""
    params = sealed_params.opened(message.params)
    rendered = render(message.template, message.language, params)
    mail = EmailMessage(policy=MAIL_POLICY)
    mail["From"] = formataddr((settings.association_name, settings.mail.sender))
    mail["To"] = message.recipient
    mail["Subject"] = rendered.subject
    mail["Message-ID"] = make_msgid(idstring=f"outbox{message.id}")
    mail["Auto-Submitted"] = "auto-generated"
    unsubscribe = params.get("unsubscribe_url")
    if isinstance(unsubscribe, str) and unsubscribe.startswith(("https://", "http://")):
        # Topic mail: one-click unsubscribe as mail clients expect (RFC 2369, RFC 8058).
        mail["List-Unsubscribe"] = f"<{unsubscribe}>"
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.set_content(rendered.body)
    return mail


def _connect(settings: Settings) -> yagmail.SMTP:
    with_login = bool(settings.mail.smtp_user and settings.mail.smtp_password)
    client = yagmail.SMTP(
        user=settings.mail.smtp_user or settings.mail.sender,
        password=settings.mail.smtp_password,
        host=settings.mail.smtp_host,
        port=settings.mail.smtp_port,
        smtp_ssl=settings.mail.smtp_security == "tls",
        smtp_starttls=settings.mail.smtp_security == "starttls",
        smtp_skip_login=not with_login,
        soft_email_validation=False,
        timeout=30,
    )
    client.login()
    return client


def _log_message(message: OutboxMessage, settings: Settings) -> None:
    """Without SMTP: that the mail was kept, to whom and which one — never its body (codes
    and links in it are live), unless PORTAL_MAIL_LOG_BODIES, a development setting, says so."""
    if not settings.mail.log_bodies:
        log.warning(
            "No SMTP server configured; mail %s (%s) to %s not sent",
            message.id,
            message.template,
            message.recipient,
        )
        return
    mail = build_message(message, settings)
    log.warning(
        "No SMTP server configured; mail kept in the outbox (id %s):\nTo: %s\nSubject: %s\n\n%s",
        message.id,
        message.recipient,
        mail["Subject"],
        mail.get_content(),
    )


def deliver_due(limit: int = BATCH) -> DeliveryReport:
    """Deliver (or log) every message that is due, up to `limit`; returns what happened."""
    settings = get_settings()
    report = DeliveryReport()
    messages = _claim(limit)
    if not messages:
        return report
    if not settings.mail.smtp_configured:
        for message in messages:
            _log_message(message, settings)
            _finish(message.id, status=OutboxStatus.LOGGED, sent_at=utcnow(), attempts=1)
            report.logged += 1
        return report
    client = None
    try:
        client = _connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        connect_error = f"connect: {type(exc).__name__}: {exc}"
    else:
        connect_error = ""
    try:
        for message in messages:
            error = connect_error
            if client is not None:
                try:
                    client.smtp.send_message(build_message(message, settings))
                except (OSError, smtplib.SMTPException) as exc:
                    error = f"{type(exc).__name__}: {exc}"
            _record_outcome(message, error, report)
    finally:
        if client is not None:
            client.close()
    return report


def _record_outcome(message: OutboxMessage, error: str, report: DeliveryReport) -> None:
    attempts = message.attempts + 1
    if not error:
        _finish(
            message.id, status=OutboxStatus.SENT, sent_at=utcnow(), attempts=attempts, last_error=""
        )
        report.sent += 1
        return
    report.errors.append(error)
    log.warning("Mail %s not delivered (attempt %s): %s", message.id, attempts, error)
    if attempts >= MAX_ATTEMPTS:
        _finish(message.id, status=OutboxStatus.FAILED, attempts=attempts, last_error=error[:500])
        report.failed += 1
    else:
        _finish(
            message.id,
            status=OutboxStatus.PENDING,
            attempts=attempts,
            last_error=error[:500],
            next_attempt_at=utcnow() + backoff(attempts),
        )
        report.retrying += 1
