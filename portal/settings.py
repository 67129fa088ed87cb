"""Every PORTAL_* setting, read from the environment (and `.env`) and validated once.

`get_settings()` returns the same validated object for the life of the process;
a bad value raises `SettingsError` naming the variable, so the app refuses to
start instead of failing later.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import ipaddress
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import load_dotenv

LANGUAGES = ("en", "ja")
SMTP_SECURITY = ("none", "starttls", "tls")
PASSWORD_POLICIES = ("composition", "length")


class SettingsError(ValueError):
    """A PORTAL_* variable has a value the portal cannot use."""


OIDC_FOR = {"staff": "staff", "registrants": "registrant", "organisations": "organisation"}


@dataclasses.dataclass(frozen=True)
class OidcSettings:
    """The association's OpenID Connect provider: who may use it and how to reach it."""

    issuer: str
    client_id: str
    client_secret: str
    name: str
    scopes: str
    kinds: tuple[str, ...]  # account kinds allowed to sign in through it
    mfa_claim: str | None

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


@dataclasses.dataclass(frozen=True)
class MailSettings:
    """How mail leaves: the SMTP relay, the sender, and the pace of bulk mail."""

    smtp_host: str | None
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_security: str
    sender: str  # PORTAL_MAIL_FROM
    log_bodies: bool  # development only: without SMTP, print whole mails to the log
    bulk_per_minute: int = 600

    @property
    def smtp_configured(self) -> bool:
        """True when mail should leave over SMTP rather than only go to the log."""
        return bool(self.smtp_host)


@dataclasses.dataclass(frozen=True)
class SignInSettings:
    """Passwords, second factors and the limits on guessing them."""

    bcrypt_rounds: int
    password_policy: str
    staff_require_totp: bool
    lockout_threshold: int
    lockout_minutes: int
    code_minutes: int
    per_client: int  # sign-in attempts one client address may make per hour
    per_account: int  # second-factor challenges one account may start per hour
    activation_tries: int


@dataclasses.dataclass(frozen=True)
class SessionSettings:
    """How long a signed-in session lives."""

    idle_minutes: int
    absolute_hours: int


@dataclasses.dataclass(frozen=True)
class LinkSettings:
    """How long a link sent by mail stays valid."""

    reset_hours: int
    email_change_hours: int
    invitation_days: int


@dataclasses.dataclass(frozen=True)
class EvidenceSettings:
    """Files attached to claims, and the review time registrants are promised."""

    max_mb: int
    max_files: int
    review_days: int
    audit_days: int  # days a registrant has to send the evidence of an audited claim


@dataclasses.dataclass(frozen=True)
class RenewalSettings:
    """The reminder stages, and the renewal policy an installation made before 0.3.0 read
    from its environment: the five policy values are read only by migration 0020, which
    makes them rule set 1 (`portal.domain.rules`); afterwards the rules are data the
    secretariat keeps, and changing these variables changes nothing."""

    points_required: int
    window_months: int
    grace_days: int
    validity_years: int
    mandatory_category: str
    reminder_stages: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Settings:
    """The validated configuration of one running portal, grouped by concern."""

    data_dir: Path
    workers: int  # backend processes; above 1 only with Redis
    db_url: str
    redis_url: str | None
    base_url: str
    secret_key_from_environment: str | None  # PORTAL_SECRET_KEY, else the data folder's key
    language: str
    timezone: str
    port: int
    demo_password: str | None
    association_name: str
    legal_dir: Path | None
    certificate_font: Path | None
    attendance_auto_credit: bool
    mail: MailSettings
    sign_in: SignInSettings
    sessions: SessionSettings
    links: LinkSettings
    evidence: EvidenceSettings
    renewal: RenewalSettings
    survey_min_responses: int = 5
    trusted_proxies: tuple[str, ...] = ()
    oidc: OidcSettings | None = None

    @functools.cached_property
    def secret_key(self) -> str:
        """PORTAL_SECRET_KEY, else the data folder's key (written there on first use)."""
        return self.secret_key_from_environment or data_folder_key(self.data_dir)

    @property
    def zone(self) -> ZoneInfo:
        """The association's time zone: timestamps are shown, and days counted, in it."""
        return ZoneInfo(self.timezone)

    @property
    def secure_cookies(self) -> bool:
        """True when the public origin is HTTPS, so cookies must be `Secure`."""
        return self.base_url.startswith("https://")


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def _int(name: str, default: int, low: int, high: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = (_env(name) or default).lower()
    if value not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def _bool(name: str, default: bool) -> bool:
    raw = _env(name)
    if raw is None:
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _base_url() -> str:
    value = (_env("PORTAL_BASE_URL") or "http://localhost:3000").rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
        raise SettingsError(
            f"PORTAL_BASE_URL must be an origin such as https://portal.example.org, got {value!r}"
        )
    return value


def _db_url(data_dir: Path) -> str:
    value = _env("PORTAL_DB_URL")
    if value is None:
        return f"sqlite:///{(data_dir / 'portal.db').resolve()}"
    if not value.startswith(("sqlite:", "postgresql")):
        raise SettingsError(
            "PORTAL_DB_URL must be a SQLite or PostgreSQL SQLAlchemy URL "
            f"(sqlite:///path or postgresql+psycopg://...), got {value.split(':')[0]}:..."
        )
    return value


def _secret_key_from_environment() -> str | None:
    value = _env("PORTAL_SECRET_KEY")
    if value is not None and len(value) < 32:
        raise SettingsError("PORTAL_SECRET_KEY must be at least 32 characters long")
    return value


def data_folder_key(data_dir: Path) -> str:
    """The secret key kept in `data_dir/secret_key`, created (owner-only, with the folder)
    on first use; processes starting at once agree on the one that was written first."""
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # another process wrote it first
            write_owner_only(path, secrets.token_urlsafe(48))
    return path.read_text().strip()


def write_owner_only(path: Path, text: str) -> None:
    """Create `path` holding `text`, readable by its owner only from the first byte (it must
    not exist yet)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def _legal_dir() -> Path | None:
    raw = _env("PORTAL_LEGAL_DIR")
    if raw is None:
        return None
    path = Path(raw).resolve()
    missing = [f"{d}.en.md" for d in ("terms", "privacy") if not (path / f"{d}.en.md").exists()]
    if missing:
        raise SettingsError(f"PORTAL_LEGAL_DIR {path} lacks {', '.join(missing)}")
    return path


# Japanese fonts a Debian machine has after `make fonts` (or the usual Noto CJK packages).
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf",
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-mincho.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
)
REMINDER_STAGES = ("window_opens", "months_3", "month_1", "days_7", "day_after")


def _certificate_font() -> Path | None:
    raw = _env("PORTAL_CERTIFICATE_FONT")
    if raw is not None:
        path = Path(raw).resolve()
        if not path.is_file() or path.suffix.lower() not in (".ttf", ".otf"):
            raise SettingsError(f"PORTAL_CERTIFICATE_FONT {path} is not a .ttf/.otf file")
        return path
    return next((Path(p) for p in FONT_CANDIDATES if Path(p).is_file()), None)


def _reminder_stages() -> tuple[str, ...]:
    raw = _env("PORTAL_REMINDER_STAGES")
    if raw is None:
        return REMINDER_STAGES
    stages = tuple(s.strip() for s in raw.split(",") if s.strip())
    unknown = [s for s in stages if s not in REMINDER_STAGES]
    if unknown:
        raise SettingsError(
            f"PORTAL_REMINDER_STAGES: unknown {', '.join(unknown)} "
            f"(choose from {', '.join(REMINDER_STAGES)})"
        )
    return stages


def _timezone() -> str:
    name = _env("PORTAL_TIMEZONE") or "Asia/Tokyo"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"PORTAL_TIMEZONE must be an IANA time zone such as Asia/Tokyo, got {name!r}"
        ) from None
    return name


def _trusted_proxies() -> tuple[str, ...]:
    raw = _env("PORTAL_TRUSTED_PROXIES")
    if raw is None:
        return ()
    networks = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise SettingsError(
                f"PORTAL_TRUSTED_PROXIES: {item!r} is not an IP address or network"
            ) from None
    return tuple(networks)


def _oidc() -> OidcSettings | None:
    issuer = _env("PORTAL_OIDC_ISSUER")
    if issuer is None:
        return None
    parts = urlsplit(issuer)
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if not parts.netloc or not (parts.scheme == "https" or (parts.scheme == "http" and loopback)):
        raise SettingsError(
            f"PORTAL_OIDC_ISSUER must be an https:// URL (http only on loopback), got {issuer!r}"
        )
    client_id, client_secret = _env("PORTAL_OIDC_CLIENT_ID"), _env("PORTAL_OIDC_CLIENT_SECRET")
    for name, value in (
        ("PORTAL_OIDC_CLIENT_ID", client_id),
        ("PORTAL_OIDC_CLIENT_SECRET", client_secret),
    ):
        if value is None:
            raise SettingsError(f"{name} is required when PORTAL_OIDC_ISSUER is set")
    scopes = (_env("PORTAL_OIDC_SCOPES") or "openid email profile").split()
    if "openid" not in scopes:
        raise SettingsError(f"PORTAL_OIDC_SCOPES must include openid, got {' '.join(scopes)!r}")
    groups = [
        g.strip().lower() for g in (_env("PORTAL_OIDC_FOR") or "staff").split(",") if g.strip()
    ]
    unknown = [g for g in groups if g not in OIDC_FOR]
    if unknown or not groups:
        raise SettingsError(
            f"PORTAL_OIDC_FOR: unknown {', '.join(unknown) or '(empty)'} "
            f"(choose from {', '.join(OIDC_FOR)})"
        )
    return OidcSettings(
        issuer=issuer,
        client_id=client_id or "",
        client_secret=client_secret or "",
        name=(_env("PORTAL_OIDC_NAME") or parts.hostname or issuer)[:60],
        scopes=" ".join(scopes),
        kinds=tuple(OIDC_FOR[g] for g in groups),
        mfa_claim=_env("PORTAL_OIDC_MFA_CLAIM"),
    )


def _workers(redis_url: str | None) -> int:
    if redis_url is None:
        if _env("PORTAL_WORKERS") not in (None, "1"):
            raise SettingsError("PORTAL_WORKERS above 1 needs PORTAL_REDIS_URL (shared page state)")
        return 1
    return _int("PORTAL_WORKERS", 3, 1, 32)


def load_settings() -> Settings:
    """Read and validate every setting. Nothing is written: the data folder and its secret
    key are created when first needed (`Settings.secret_key`, the database, uploads)."""
    load_dotenv(override=False)
    data_dir = Path(_env("PORTAL_DATA_DIR") or "./data").resolve()
    if data_dir.exists() and not data_dir.is_dir():
        raise SettingsError(f"PORTAL_DATA_DIR {data_dir} is not a folder")
    smtp_security = _choice("PORTAL_SMTP_SECURITY", "none", SMTP_SECURITY)
    default_port = {"none": 25, "starttls": 587, "tls": 465}[smtp_security]
    redis_url = _env("PORTAL_REDIS_URL")
    return Settings(
        data_dir=data_dir,
        db_url=_db_url(data_dir),
        redis_url=redis_url,
        workers=_workers(redis_url),
        base_url=_base_url(),
        secret_key_from_environment=_secret_key_from_environment(),
        language=_choice("PORTAL_LANGUAGE", "en", LANGUAGES),
        timezone=_timezone(),
        port=_int("PORTAL_PORT", 3000, 1, 65535),
        demo_password=_env("PORTAL_DEMO_PASSWORD"),
        association_name=_env("PORTAL_ASSOCIATION_NAME") or "Registrant Portal",
        legal_dir=_legal_dir(),
        certificate_font=_certificate_font(),
        attendance_auto_credit=_bool("PORTAL_ATTENDANCE_AUTO_CREDIT", False),
        mail=MailSettings(
            smtp_host=_env("PORTAL_SMTP_HOST"),
            smtp_port=_int("PORTAL_SMTP_PORT", default_port, 1, 65535),
            smtp_user=_env("PORTAL_SMTP_USER"),
            smtp_password=_env("PORTAL_SMTP_PASSWORD"),
            smtp_security=smtp_security,
            sender=_env("PORTAL_MAIL_FROM") or "no-reply@localhost",
            log_bodies=_bool("PORTAL_MAIL_LOG_BODIES", False),
            bulk_per_minute=_int("PORTAL_BULK_MAIL_PER_MINUTE", 600, 1, 100_000),
        ),
        sign_in=SignInSettings(
            bcrypt_rounds=_int("PORTAL_BCRYPT_ROUNDS", 12, 4, 16),
            password_policy=_choice("PORTAL_PASSWORD_POLICY", "composition", PASSWORD_POLICIES),
            staff_require_totp=_bool("PORTAL_STAFF_REQUIRE_TOTP", True),
            lockout_threshold=_int("PORTAL_LOCKOUT_THRESHOLD", 5, 1, 100),
            lockout_minutes=_int("PORTAL_LOCKOUT_MINUTES", 30, 1, 24 * 60),
            code_minutes=_int("PORTAL_CODE_MINUTES", 10, 1, 60),
            per_client=_int("PORTAL_SIGNIN_PER_CLIENT", 50, 5, 100_000),
            per_account=_int("PORTAL_SIGNIN_PER_ACCOUNT", 10, 3, 10_000),
            activation_tries=_int("PORTAL_ACTIVATION_TRIES", 10, 1, 100),
        ),
        sessions=SessionSettings(
            idle_minutes=_int("PORTAL_SESSION_IDLE_MINUTES", 30, 1, 24 * 60),
            absolute_hours=_int("PORTAL_SESSION_ABSOLUTE_HOURS", 12, 1, 24 * 30),
        ),
        links=LinkSettings(
            reset_hours=_int("PORTAL_RESET_LINK_HOURS", 24, 1, 24 * 7),
            email_change_hours=_int("PORTAL_EMAIL_LINK_HOURS", 24, 1, 24 * 7),
            invitation_days=_int("PORTAL_INVITATION_DAYS", 5, 1, 90),
        ),
        evidence=EvidenceSettings(
            max_mb=_int("PORTAL_EVIDENCE_MAX_MB", 10, 1, 50),
            max_files=_int("PORTAL_EVIDENCE_MAX_FILES", 5, 1, 20),
            review_days=_int("PORTAL_REVIEW_DAYS", 14, 1, 90),
            audit_days=_int("PORTAL_AUDIT_DAYS", 30, 1, 365),
        ),
        renewal=RenewalSettings(
            points_required=_int("PORTAL_POINTS_REQUIRED", 5, 0, 100),
            window_months=_int("PORTAL_RENEWAL_WINDOW_MONTHS", 6, 1, 24),
            grace_days=_int("PORTAL_RENEWAL_GRACE_DAYS", 0, 0, 365),
            validity_years=_int("PORTAL_VALIDITY_YEARS", 3, 1, 10),
            mandatory_category=_env("PORTAL_MANDATORY_CATEGORY") or "mandatory_course",
            reminder_stages=_reminder_stages(),
        ),
        survey_min_responses=_int("PORTAL_SURVEY_MIN_RESPONSES", 5, 2, 1000),
        trusted_proxies=_trusted_proxies(),
        oidc=_oidc(),
    )


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings, validated on first use."""
    return load_settings()


def reset_settings() -> None:
    """Forget the cached settings so the next `get_settings()` re-reads the environment."""
    get_settings.cache_clear()
