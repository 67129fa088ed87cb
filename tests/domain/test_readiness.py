"""/readyz and `portal doctor`: what an operator is told, against a migrated database, real
Redis and a real SMTP server."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from portal import __version__, cli
from portal.api.routes import build_api
from portal.domain.core import migrations
from portal.domain.core.clock import utcnow
from portal.domain.core.db import make_engine, use_engine
from portal.domain.outbox import post
from portal.domain.renewal.tables import JobRun
from tests.dbs import backends, fresh_database
from tests.smtp_sink import SmtpSink

REDIS = os.environ.get("PORTAL_TEST_REDIS_URL")


@pytest.fixture(params=backends())
def migrated(request, tmp_path):
    """A database built by the migrations (as `portal migrate` builds it)."""
    with fresh_database(request.param, tmp_path) as url:
        migrations.upgrade(url)
        engine = make_engine(url)
        use_engine(engine)
        try:
            yield engine
        finally:
            use_engine(None)
            engine.dispose()


def ready(client: str = "127.0.0.1") -> tuple[int, dict]:
    response = TestClient(build_api(), client=(client, 50000)).get("/readyz")
    assert response.headers["cache-control"] == "no-store"
    return response.status_code, response.json()


def test_the_public_learns_only_whether_the_portal_is_ready(migrated, configure):
    configure(PORTAL_REDIS_URL="redis://127.0.0.1:1/0")
    # no hosts, no reasons, no version to match against a list of known flaws
    assert ready("203.0.113.50") == (503, {"status": "unavailable"})
    status, body = ready("127.0.0.1")
    assert status == 503 and body["checks"]["redis"]["ok"] is False


def test_ready_on_a_migrated_database(migrated, configure):
    if REDIS:
        configure(PORTAL_REDIS_URL=REDIS)
    status, body = ready()
    assert status == 200 and body["status"] == "ready" and body["version"] == __version__
    assert body["checks"]["daily jobs"]["detail"] == "not run yet"
    assert ("redis" in body["checks"]) == bool(REDIS)


def test_unready_with_the_reason(migrated, configure):
    configure(PORTAL_REDIS_URL="redis://127.0.0.1:1/0")
    status, body = ready()
    assert status == 503 and body["checks"]["redis"]["ok"] is False
    configure(PORTAL_REDIS_URL="")
    with Session(migrated) as db:
        db.add(post.OutboxMessage(**post.row("a@example.com", "signin_code", "en", code="1")))
        db.commit()
    assert ready()[0] == 200  # just queued
    with Session(migrated) as db:
        message = db.get(post.OutboxMessage, 1)
        message.next_attempt_at = utcnow() - dt.timedelta(minutes=40)
        db.add(
            JobRun(
                name="daily", day=dt.date(2026, 1, 1), started_at=utcnow() - dt.timedelta(hours=3)
            )
        )
        db.commit()
    status, body = ready()
    assert status == 503
    assert (
        body["checks"]["outbox"]["ok"] is False and "40 min" in body["checks"]["outbox"]["detail"]
    )
    assert body["checks"]["daily jobs"]["ok"] is False


def test_unready_without_database_or_with_an_old_schema(tmp_path):
    use_engine(make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    try:
        status, body = ready()
    finally:
        use_engine(None)
    assert status == 503 and list(body["checks"]) == ["database"]
    url = f"sqlite:///{tmp_path}/old.db"
    migrations.command.upgrade(migrations.alembic_config(url), "0016")
    use_engine(make_engine(url))
    try:
        status, body = ready()
    finally:
        use_engine(None)
    assert status == 503 and "run portal upgrade" in body["checks"]["database"]["detail"]


def test_doctor_says_ok_warn_and_fail_and_exits_accordingly(migrated, configure, capsys):
    with SmtpSink() as sink:
        configure(PORTAL_SMTP_HOST="127.0.0.1", PORTAL_SMTP_PORT=str(sink.port))
        assert cli.main(["doctor"]) == 0
        out = capsys.readouterr().out
        assert "OK    database" in out and f"127.0.0.1:{sink.port} reachable" in out
        assert f"OK    version           portal {__version__}" in out
        assert "WARN  public address" in out  # http://localhost: fine only locally
    configure(PORTAL_SMTP_PORT="1", PORTAL_BASE_URL="http://portal.example.org")
    assert cli.main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "FAIL  mail" in out and "FAIL  public address" in out


def test_doctor_fails_while_mail_bodies_are_printed_to_the_log(migrated, configure, capsys):
    configure(PORTAL_MAIL_LOG_BODIES="true")
    assert cli.main(["doctor"]) == 1
    assert "FAIL  mail log" in capsys.readouterr().out
