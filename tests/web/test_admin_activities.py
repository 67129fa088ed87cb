"""The activity catalogue: staff add, edit and archive; registrants cannot change it."""

from __future__ import annotations

from sqlmodel import select

from portal.domain.core.db import transaction
from portal.domain.points import catalogue
from portal.domain.points.tables import Activity
from portal.domain.rules import standing
from portal.web.pages.admin.activities import AdminActivitiesState
from tests import factories
from tests.support.people import session_cookie, staff
from tests.web.harness import open_page

PATH = "/admin/activities"
FORM = {
    "title": "Seminar: new rules",
    "category": "seminar",
    "starts_on": "2026-10-01",
    "ends_on": "",
    "points": "2",
    "organiser": "Association",
    "notes": "",
}


async def test_reviewer_adds_edits_and_archives_an_activity(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    with transaction() as db:
        catalogue.ensure_categories(db)
    tab = tabs(cookie=staff("reviewer", "rev@example.com"))
    await open_page(tab, PATH)
    await tab.send(AdminActivitiesState, "load", path=PATH)
    await tab.send(AdminActivitiesState, "start", {"activity_id": "new"}, path=PATH)
    await tab.send(AdminActivitiesState, "save", {"form": {**FORM, "points": "0"}}, path=PATH)
    assert "points" in (await tab.state(AdminActivitiesState)).errors
    await tab.send(AdminActivitiesState, "save", {"form": FORM}, path=PATH)
    state = await tab.state(AdminActivitiesState)
    [row] = state.rows
    assert row["title"] == "Seminar: new rules" and state.editing == ""
    await tab.send(AdminActivitiesState, "start", {"activity_id": row["id"]}, path=PATH)
    assert (await tab.state(AdminActivitiesState)).values["starts_on"] == "2026-10-01"
    await tab.send(AdminActivitiesState, "save", {"form": {**FORM, "points": "3"}}, path=PATH)
    await tab.send(
        AdminActivitiesState,
        "set_archived",
        {"activity_id": row["id"], "archived": True},
        path=PATH,
    )
    with transaction() as db:
        activity = db.exec(select(Activity)).one()
    assert (activity.points, activity.archived) == (3, True)


async def test_registrants_cannot_change_the_catalogue(tabs):
    with transaction() as db:
        catalogue.ensure_categories(db)
    factories.registrant("reg@example.com")
    tab = tabs(cookie=session_cookie("reg@example.com"))
    await tab.send(AdminActivitiesState, "load", path=PATH)
    await tab.send(AdminActivitiesState, "start", {"activity_id": "new"}, path=PATH)
    await tab.send(AdminActivitiesState, "save", {"form": FORM}, path=PATH)
    assert tab.redirects_to("/mypage")
    with transaction() as db:
        assert db.exec(select(Activity)).all() == []


async def test_staff_credit_an_attendance_list_after_seeing_the_preview(tabs, configure):
    import io
    from pathlib import Path

    import reflex as rx

    from tests.support.catalogue import activity
    from tests.support.people import number_of, registrant_principal, staff_principal

    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    boss, _ = staff_principal("boss@example.com")
    people = [registrant_principal(f"p{n}@example.com") for n in range(3)]
    seminar = activity(boss, points=2)
    listing = "registration_number\r\n" + "\r\n".join(number_of(p) for p in people) + "\r\nX9\r\n"
    tab = tabs(cookie=session_cookie("boss@example.com", "Lantern-Orchard-58"))
    await open_page(tab, PATH)
    await tab.send(AdminActivitiesState, "load", path=PATH)
    await tab.send(
        AdminActivitiesState, "start_attendance", {"activity_id": str(seminar)}, path=PATH
    )
    upload = {"files": [rx.UploadFile(file=io.BytesIO(listing.encode()), path=Path("list.csv"))]}
    await tab.send(AdminActivitiesState, "check_attendance", upload, path=PATH)
    state = await tab.state(AdminActivitiesState)
    counts = {c["key"]: c["value"] for c in state.attendance_counts}
    assert counts["attendance.matched"] == "3" and counts["attendance.unknown"] == "1"
    assert state.attendance_lines[0]["number"] == "X9"
    await tab.send(AdminActivitiesState, "credit_attendance", path=PATH)
    assert "3 registrants" in (await tab.state(AdminActivitiesState)).info
    assert all(standing.own(p).count.counted == 2 for p in people)


async def test_a_registrant_cannot_upload_through_the_attendance_handler(tabs):
    import io
    from pathlib import Path

    import reflex as rx

    from portal.settings import get_settings

    with transaction() as db:
        catalogue.ensure_categories(db)
    factories.registrant("reg@example.com")
    tab = tabs(cookie=session_cookie("reg@example.com"))
    await tab.send(AdminActivitiesState, "start_attendance", {"activity_id": "1"}, path=PATH)
    upload = {"files": [rx.UploadFile(file=io.BytesIO(b"T000001\r\n"), path=Path("x.csv"))]}
    await tab.send(AdminActivitiesState, "check_attendance", upload, path=PATH)
    await tab.send(AdminActivitiesState, "credit_attendance", path=PATH)
    state = await tab.state(AdminActivitiesState)
    assert state.attendance_counts == [] and state.attendance_for == ""
    staged = get_settings().data_dir / "staged"
    assert not staged.exists() or list(staged.iterdir()) == []


async def test_admins_choose_a_review_mode_and_nobody_else_can(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    with transaction() as db:
        catalogue.ensure_categories(db)

    def modes() -> dict[str, str]:
        return {c.code: c.review_mode for c in catalogue.categories()}

    factories.registrant("nosy@example.com")
    for cookie in (staff("reviewer", "reader@example.com"), session_cookie("nosy@example.com")):
        tab = tabs(cookie=cookie)
        await open_page(tab, PATH)
        await tab.send(AdminActivitiesState, "load", path=PATH)
        payload = {"code": "seminar", "mode": "self_declared"}
        await tab.send(AdminActivitiesState, "set_review_mode", payload, path=PATH)
        assert modes()["seminar"] == "reviewed"
    admin = tabs(cookie=staff("admin", "keeper@example.com"))
    await open_page(admin, PATH)
    await admin.send(AdminActivitiesState, "load", path=PATH)
    assert (await admin.state(AdminActivitiesState)).is_admin
    payload = {"code": "seminar", "mode": "self_declared"}
    await admin.send(AdminActivitiesState, "set_review_mode", payload, path=PATH)
    state = await admin.state(AdminActivitiesState)
    assert modes()["seminar"] == "self_declared"
    assert state.info.startswith("Saved.")
    assert {"code": "seminar", "name": "Seminar", "mode": "self_declared"} in state.categories
    payload = {"code": "seminar", "mode": "<script>"}
    await admin.send(AdminActivitiesState, "set_review_mode", payload, path=PATH)
    assert modes()["seminar"] == "self_declared"
