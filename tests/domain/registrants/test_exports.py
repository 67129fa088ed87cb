import csv
import datetime as dt
import io

from sqlmodel import select

from portal.domain.accounts import operations, signin
from portal.domain.accounts.actor import Actor
from portal.domain.audit.tables import AuditEvent
from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.registrants import exports
from portal.domain.registrants.registry_search import RegistryQuery
from portal.domain.registry.tables import RegistryRecord
from tests import factories
from tests.support.people import HERE, reviewer


def add(number, family, address="", status="active"):
    with transaction() as db:
        db.add(
            RegistryRecord(
                registration_number=number,
                family_name=family,
                given_name="花子",
                family_name_kana="ヤマダ",
                given_name_kana="ハナコ",
                birth_date=dt.date(1980, 1, 2),
                address=address,
                status=status,
                valid_until=today() + dt.timedelta(days=10),
            )
        )


def read(data: bytes, codec: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(codec))))


def test_cells_that_a_spreadsheet_would_run_are_neutralised():
    for dangerous in ('=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert exports.safe_cell(dangerous) == "'" + dangerous
    assert exports.safe_cell("山田") == "山田" and exports.safe_cell(True) == "yes"


def test_utf8_export_has_bom_header_and_the_filtered_rows(db):
    add("E1", "山田", address="=cmd|' /C calc'!A0")
    add("E2", "鈴木", status="expired")
    data = b"".join(exports.export_csv(reviewer(), RegistryQuery(status="active"), "utf-8"))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = read(data, "utf-8-sig")
    assert rows[0] == list(exports.COLUMNS)
    assert [r[0] for r in rows[1:]] == ["E1"]
    assert rows[1][exports.COLUMNS.index("address")].startswith("'=")


def test_shift_jis_export_for_excel(db):
    add("S1", "髙橋")
    data = b"".join(exports.export_csv(reviewer(), RegistryQuery(), "shift_jis"))
    rows = read(data, "cp932")
    assert rows[1][1] == "髙橋"  # CP932 has the variant kanji


def test_export_streams_in_batches_and_is_audited(db, monkeypatch):
    monkeypatch.setattr(exports, "BATCH", 2)
    for n in range(5):
        add(f"B{n}", "田中")
    download = exports.export_csv(
        Actor(reviewer().principal, "192.0.2.8"), RegistryQuery(text="田中"), "utf-8"
    )
    next(download)  # the header: the download has begun, and is on record already
    with transaction() as session:
        event = session.exec(
            select(AuditEvent).where(AuditEvent.action == "registry.exported")
        ).one()
    assert event.detail == {"rows": 5, "encoding": "utf-8", "filter": {"text": "田中"}}
    assert event.ip == "192.0.2.8"
    assert len(list(download)) == 3


def test_only_signed_in_staff_may_download(db, configure):
    from starlette.testclient import TestClient

    from portal.api.routes import build_api

    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    add("X1", "山田")
    factories.registrant("reg@example.com")
    operations.create_staff("desk@example.com", "Quiet-harbour-71!", "reviewer", "Desk")

    def cookie(email, password):
        step = signin.check_password(email, password, HERE)
        ticket = signin.verify_code(step.attempt, factories.last_code(email), HERE).ticket
        return signin.redeem_ticket(ticket, HERE).secret

    http = TestClient(build_api(), base_url="http://localhost:3000")
    assert http.get("/admin/registrants/export").status_code == 403
    http.cookies.set("portal_session", cookie("reg@example.com", factories.PASSWORD))
    assert http.get("/admin/registrants/export").status_code == 403
    http.cookies.set("portal_session", cookie("desk@example.com", "Quiet-harbour-71!"))
    response = http.get(
        "/admin/registrants/export", params={"q": "やまだ", "encoding": "shift_jis"}
    )
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    assert [r[0] for r in read(response.content, "cp932")[1:]] == ["X1"]
