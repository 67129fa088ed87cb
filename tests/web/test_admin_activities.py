"""The activity catalogue: staff add, edit and archive; registrants cannot change it."""

from __future__ import annotations

from sqlmodel import select

from portal.domain import catalogue
from portal.domain.db import transaction
from portal.domain.models import Activity
from portal.web.pages.admin.activities import AdminActivitiesState
from tests import factories
from tests.web.harness import open_page
from tests.web.test_admin_record import staff
from tests.web.test_hostile_clients import session_cookie

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
