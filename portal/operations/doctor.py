"""`portal doctor`: the readiness checks plus the settings an operator gets wrong.

Each line is OK, WARN or FAIL with what was found; the command exits 1 when any line
FAILs. Beyond readiness: the public address against cookie security, the mail server
(reachable, and the login accepted when one is set), the certificate font, the data
folder (writable, the secret key readable by the owner only) and free disk space.
"""

from __future__ import annotations

import os
import shutil
import smtplib
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from portal import __version__
from portal.operations import readiness
from portal.settings import Settings, get_settings

LOW_DISK = 1024**3  # bytes: less than 1 GiB free fails
LOOPBACK = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class Line:
    level: str  # OK | WARN | FAIL
    name: str
    detail: str


def _base_url(settings: Settings) -> Line:
    host = urlsplit(settings.base_url).hostname or ""
    if settings.secure_cookies:
        return Line("OK", "public address", f"{settings.base_url} (cookies are Secure)")
    if host in LOOPBACK:
        return Line("WARN", "public address", f"{settings.base_url}: plain HTTP, local only")
    return Line(
        "FAIL",
        "public address",
        f"{settings.base_url} is plain HTTP: sessions would travel unencrypted; use https://",
    )


def _smtp(settings: Settings) -> Line:
    if not settings.mail.smtp_configured:
        return Line("WARN", "mail", "no PORTAL_SMTP_HOST: mail is only printed to the log")
    where = f"{settings.mail.smtp_host}:{settings.mail.smtp_port}"
    try:
        if settings.mail.smtp_security == "tls":
            client = smtplib.SMTP_SSL(
                settings.mail.smtp_host,
                settings.mail.smtp_port,
                timeout=10,
                context=ssl.create_default_context(),
            )
        else:
            client = smtplib.SMTP(settings.mail.smtp_host, settings.mail.smtp_port, timeout=10)
        with client:
            client.ehlo()
            if settings.mail.smtp_security == "starttls":
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if settings.mail.smtp_user and settings.mail.smtp_password:
                client.login(settings.mail.smtp_user, settings.mail.smtp_password)
                return Line("OK", "mail", f"{where} reachable, login accepted")
    except (OSError, smtplib.SMTPException) as exc:
        return Line("FAIL", "mail", f"{where}: {type(exc).__name__}: {exc}"[:200])
    return Line("OK", "mail", f"{where} reachable (no login configured)")


def _mail_log(settings: Settings) -> Line:
    if settings.mail.log_bodies:
        return Line(
            "FAIL",
            "mail log",
            "PORTAL_MAIL_LOG_BODIES is on: sign-in codes and account links are printed to "
            "the log (for `make run` only; unset it in production)",
        )
    return Line("OK", "mail log", "mail bodies are never printed")


def _font(settings: Settings) -> Line:
    if settings.certificate_font is None:
        return Line(
            "FAIL", "certificate font", "none found: certificates cannot be drawn (make fonts)"
        )
    return Line("OK", "certificate font", str(settings.certificate_font))


def _data_dir(settings: Settings) -> list[Line]:
    lines = []
    folder = settings.data_dir
    writable = os.access(folder, os.W_OK)
    lines.append(
        Line(
            "OK" if writable else "FAIL",
            "data folder",
            f"{folder} {'writable' if writable else 'not writable'}",
        )
    )
    key = folder / "secret_key"
    if key.exists():
        private = key.stat().st_mode & 0o077 == 0
        lines.append(
            Line(
                "OK" if private else "FAIL",
                "secret key",
                f"{key} {'owner only' if private else 'readable by others: chmod 600'}",
            )
        )
    free = shutil.disk_usage(folder).free
    lines.append(
        Line("OK" if free >= LOW_DISK else "FAIL", "free disk", f"{free / 1024**3:.1f} GiB free")
    )
    return lines


def examine() -> list[Line]:
    """Every line of the report, readiness first."""
    settings = get_settings()
    lines = [Line("OK", "version", f"portal {__version__}")]
    lines += [Line("OK" if c.ok else "FAIL", c.name, c.detail) for c in readiness.checks()]
    lines += [_base_url(settings), _smtp(settings), _mail_log(settings), _font(settings)]
    lines += _data_dir(settings)
    return lines
