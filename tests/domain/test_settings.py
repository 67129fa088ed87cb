import os

import pytest

from portal.settings import SettingsError, load_settings


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORTAL_LANGUAGE", "fr"),
        ("PORTAL_SMTP_SECURITY", "ssl3"),
        ("PORTAL_SMTP_PORT", "seventy"),
        ("PORTAL_PORT", "70000"),
        ("PORTAL_BASE_URL", "portal.example.org"),
        ("PORTAL_BASE_URL", "https://portal.example.org/path"),
        ("PORTAL_DB_URL", "mysql://db"),
        ("PORTAL_SECRET_KEY", "short"),
        ("PORTAL_STAFF_REQUIRE_TOTP", "maybe"),
        ("PORTAL_TIMEZONE", "Tokyo"),
        ("PORTAL_TIMEZONE", "../../etc/passwd"),
        ("PORTAL_OIDC_ISSUER", "http://login.example.org"),
        ("PORTAL_OIDC_ISSUER", "login.example.org"),
        ("PORTAL_OIDC_SCOPES", "email profile"),
        ("PORTAL_OIDC_FOR", "staff,everyone"),
        ("PORTAL_OIDC_FOR", ","),
        ("PORTAL_WORKERS", "3"),  # without Redis, workers could not share page state
    ],
)
def test_bad_values_are_refused_naming_the_variable(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        load_settings()


def test_secret_key_is_generated_once_into_the_data_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("PORTAL_SECRET_KEY")
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path / "data"))
    tmp_path = tmp_path / "data"
    settings = load_settings()
    assert not tmp_path.exists()  # reading the settings writes nothing
    first = settings.secret_key
    assert len(first) >= 48
    assert load_settings().secret_key == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_defaults(monkeypatch, tmp_path):
    for name in ("PORTAL_DB_URL", "PORTAL_BCRYPT_ROUNDS", "PORTAL_BASE_URL", "PORTAL_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path))
    settings = load_settings()
    assert settings.db_url == f"sqlite:///{tmp_path}/portal.db"
    assert settings.base_url == "http://localhost:3000"
    assert settings.sign_in.bcrypt_rounds == 12
    assert not settings.mail.smtp_configured and settings.mail.smtp_port == 25
    assert settings.sign_in.staff_require_totp and settings.language == "en"
    assert settings.timezone == "Asia/Tokyo"


@pytest.mark.parametrize("name", ["PORTAL_OIDC_CLIENT_ID", "PORTAL_OIDC_CLIENT_SECRET"])
def test_a_provider_needs_its_client_credentials(monkeypatch, name):
    monkeypatch.delenv(name)
    with pytest.raises(SettingsError, match=name):
        load_settings()


def test_no_issuer_means_no_provider_and_defaults_otherwise(monkeypatch):
    monkeypatch.setenv("PORTAL_OIDC_ISSUER", "https://login.example.org/tenant/v2.0")
    monkeypatch.delenv("PORTAL_OIDC_FOR")
    monkeypatch.delenv("PORTAL_OIDC_NAME")
    oidc = load_settings().oidc
    assert oidc.kinds == ("staff",) and oidc.scopes == "openid email profile"
    assert oidc.name == "login.example.org" and oidc.mfa_claim is None
    assert oidc.metadata_url == (
        "https://login.example.org/tenant/v2.0/.well-known/openid-configuration"
    )
    monkeypatch.delenv("PORTAL_OIDC_ISSUER")
    assert load_settings().oidc is None


def test_workers_default_to_three_with_redis_and_granian_replaces_a_dead_one(monkeypatch):
    from granian.server.common import AbstractServer

    from portal.serving import configure_backend

    assert load_settings().workers == 1
    monkeypatch.setenv("PORTAL_REDIS_URL", "redis://127.0.0.1:6379/0")
    assert load_settings().workers == 3
    monkeypatch.setenv("PORTAL_WORKERS", "2")
    monkeypatch.setenv("GRANIAN_WORKERS", "9")
    monkeypatch.setattr(AbstractServer, "__init__", AbstractServer.__init__)  # undone after
    configure_backend(load_settings())
    configure_backend(load_settings())  # twice is once
    assert os.environ["GRANIAN_WORKERS"] == "2"
    from granian.server import Server

    assert Server(target="portal.portal:app").respawn_failed_workers is True
