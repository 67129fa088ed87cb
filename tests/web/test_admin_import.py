"""The ledger import page: admins preview and apply; nobody else can stage or apply a file."""

from __future__ import annotations

import io
from pathlib import Path

import reflex as rx
from sqlmodel import func, select

from portal.domain.audit.tables import AuditEvent
from portal.domain.core.db import transaction
from portal.domain.registry.tables import RegistryRecord
from portal.settings import get_settings
from portal.web.pages.admin.import_ledger import AdminImportState
from tests import factories
from tests.factories import ledger_csv, ledger_row
from tests.support.people import staff
from tests.web.harness import open_page

PATH = "/admin/import"


def upload(data: bytes, name: str = "ledger.csv") -> dict:
    return {"files": [rx.UploadFile(file=io.BytesIO(data), path=Path(name))]}


def records() -> int:
    with transaction() as db:
        return db.exec(select(func.count()).select_from(RegistryRecord)).one()


def staged() -> list:
    folder = get_settings().data_dir / "staged"
    return list(folder.iterdir()) if folder.exists() else []


async def open_import(tab) -> None:
    await open_page(tab, PATH)
    await tab.send(AdminImportState, "load", path=PATH)


async def test_admin_previews_a_bad_file_then_imports_the_corrected_one(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    tab = tabs(cookie=staff("admin", "boss@example.com"))
    await open_import(tab)
    bad = ledger_csv(ledger_row("R0001", email="a@example.com"), ledger_row("R0002", phone="x"))
    await tab.send(AdminImportState, "check_file", upload(bad.encode("cp932")), path=PATH)
    state = await tab.state(AdminImportState)
    assert state.stage == "preview" and not state.can_apply
    assert [(p["line"], p["column"]) for p in state.problems] == [("3", "field.phone")]
    assert "Use digits and hyphens only" in state.problems[0]["message"]
    await tab.send(AdminImportState, "confirm", path=PATH)  # a hostile client confirms anyway
    assert records() == 0

    good = ledger_csv(ledger_row("R0001", email="a@example.com"), ledger_row("R0002"))
    await tab.send(AdminImportState, "start_over", path=PATH)
    await tab.send(AdminImportState, "check_file", upload(good.encode()), path=PATH)
    state = await tab.state(AdminImportState)
    assert (
        state.can_apply and {c["key"]: c["value"] for c in state.counts}["import.count_new"] == "2"
    )
    await tab.send(AdminImportState, "confirm", path=PATH)
    state = await tab.state(AdminImportState)
    assert state.stage == "done" and "2 new" in state.result
    assert records() == 2 and staged() == []
    with transaction() as db:
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "registry.imported")).one()
    assert event.detail["source"] == "ledger.csv" and event.detail["invited"] == 1


async def test_reviewers_and_registrants_cannot_stage_or_apply_a_file(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    factories.registrant("reg@example.com")
    from tests.support.people import session_cookie

    data = ledger_csv(ledger_row("R0001")).encode()
    for cookie in (
        staff("reviewer", "rev@example.com"),
        session_cookie("reg@example.com", factories.PASSWORD),
        "",
    ):
        tab = tabs(cookie=cookie)
        await open_import(tab)
        await tab.send(AdminImportState, "check_file", upload(data), path=PATH)
        await tab.send(AdminImportState, "confirm", path=PATH)
        state = await tab.state(AdminImportState)
        assert state.stage == "upload" and state.counts == []
    assert records() == 1 and staged() == []  # only the registrant's own record


async def test_an_oversized_upload_is_refused_without_staging(tabs, configure, monkeypatch):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    from portal.domain.registrants import registry_import

    monkeypatch.setattr(registry_import, "MAX_BYTES", 100)
    tab = tabs(cookie=staff("admin", "boss@example.com"))
    await open_import(tab)
    await tab.send(AdminImportState, "check_file", upload(b"x" * 101), path=PATH)
    state = await tab.state(AdminImportState)
    assert state.stage == "upload" and "larger than" in state.problem and staged() == []
