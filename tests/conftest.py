"""Settings every test shares: a throw-away data dir, fast bcrypt, a fixed secret key.

Set before anything imports portal settings or the Reflex config.
"""

import os
import tempfile

_DATA = tempfile.mkdtemp(prefix="portal-test-")
os.environ["PORTAL_DATA_DIR"] = _DATA
os.environ["PORTAL_DB_URL"] = f"sqlite:///{_DATA}/portal.db"
os.environ["PORTAL_BCRYPT_ROUNDS"] = "4"
os.environ["PORTAL_SECRET_KEY"] = "test-secret-key-that-is-long-enough-0123456789"
os.environ["PORTAL_BASE_URL"] = "http://localhost:3000"
for _name in (
    "PORTAL_SMTP_HOST",
    "PORTAL_REDIS_URL",
    "PORTAL_LANGUAGE",
    "PORTAL_DEMO_PASSWORD",
    "PORTAL_TIMEZONE",
):
    os.environ.pop(_name, None)
# An identity provider is configured for every test (nothing listens at this address: the
# tests that sign in through it start a real one and point the settings at it).
os.environ["PORTAL_OIDC_ISSUER"] = "http://127.0.0.1:9"
os.environ["PORTAL_OIDC_CLIENT_ID"] = "portal-test"
os.environ["PORTAL_OIDC_CLIENT_SECRET"] = "portal-test-secret"
os.environ["PORTAL_OIDC_NAME"] = "Example ID"
os.environ["PORTAL_OIDC_FOR"] = "staff,registrants,organisations"
os.environ.pop("PORTAL_OIDC_MFA_CLAIM", None)
os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")


import pytest  # noqa: E402

from portal.settings import reset_settings  # noqa: E402


@pytest.fixture
def configure(monkeypatch):
    """Change PORTAL_* settings for one test: configure(PORTAL_X="value")."""

    def apply(**values):
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        reset_settings()

    yield apply
    monkeypatch.undo()
    reset_settings()


def pytest_collection_modifyitems(items):
    """Run the browser tests last: Playwright's sync API holds an event loop while it is open."""
    items.sort(key=lambda item: "/e2e/" in str(item.path).replace("\\", "/"))
