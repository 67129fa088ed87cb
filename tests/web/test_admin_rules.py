"""/admin/rules: admins draft, preview and publish a version; reviewers read; a registrant,
or a reviewer sending the admin's events by name, changes nothing."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.points import catalogue
from portal.domain.rules import versions
from portal.domain.rules.tables import RuleSetRow
from portal.web.pages.admin.rules import AdminRulesState
from tests import factories
from tests.domain.renewal.renewal_people import renewing
from tests.support.people import session_cookie, staff
from tests.web.harness import open_page

PATH = "/admin/rules"
APRIL = (today() + dt.timedelta(days=120)).isoformat()


def form(**values) -> dict:
    return {
        "effective_from": APRIL,
        "points_required": "10",
        "mandatory_category": "mandatory_course",
        "mandatory_count": "1",
        "newsletter": "on",
        "window_months": "6",
        "grace_days": "0",
        "validity_years": "3",
        "carry_max": "0",
        "carry_months": "12",
        "min-seminar": "2",
        "max-other": "2",
        "note": "Decided at the general meeting",
        **values,
    }


async def opened(tab) -> AdminRulesState:
    await open_page(tab, PATH)
    await tab.send(AdminRulesState, "load", path=PATH)
    return await tab.state(AdminRulesState)


def stored() -> list[tuple[str, str]]:
    with transaction() as db:
        return [(r.status, r.effective_from.isoformat()) for r in db.exec(select(RuleSetRow))]


async def test_an_admin_drafts_sees_the_impact_and_publishes(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    renewing("ready@example.com", days_left=30, points=5)
    tab = tabs(cookie=staff("admin", "keeper@example.com"))
    state = await opened(tab)
    assert [c.status for c in state.cards] == ["in_force"]
    assert "At least 5 points counted in the validity period." in state.cards[0].sentences
    await tab.send(AdminRulesState, "start", {"version_id": "new"}, path=PATH)
    state = await tab.state(AdminRulesState)
    assert state.values["points_required"] == "5" and state.values["effective_from"] == ""
    assert {r["code"] for r in state.limit_rows} >= {"seminar", "other"}
    wrong = form(points_required="ten", **{"min-seminar": "3", "max-seminar": "1"})
    await tab.send(AdminRulesState, "save", {"form_data": wrong}, path=PATH)
    state = await tab.state(AdminRulesState)
    assert state.errors["points_required"] == "Enter a whole number from 0 to 1000."
    seminar = next(r for r in state.limit_rows if r["code"] == "seminar")
    assert seminar["error"] == "The minimum cannot be above the maximum (1)."
    assert seminar["min_value"] == "3" and state.values["points_required"] == "ten"  # kept
    assert stored() == [("published", stored()[0][1])]  # nothing saved
    await tab.send(AdminRulesState, "save", {"form_data": form()}, path=PATH)
    state = await tab.state(AdminRulesState)
    assert state.errors == {} and state.editing == ""
    draft = next(c for c in state.cards if c.status == "draft")
    assert state.impact_for == draft.id  # the impact is shown at once
    assert "1 registrant who can apply today could not under it." in state.impact_lines
    assert state.lose_sample and "山田 花子" in state.lose_sample[0]
    assert "Of these, at least 2 from Seminar." in draft.sentences
    await tab.send(AdminRulesState, "publish", {"version_id": draft.id}, path=PATH)
    state = await tab.state(AdminRulesState)
    assert state.info.startswith("The version was published")
    assert [c.status for c in state.cards] == ["planned", "in_force"]
    assert [v.points_required for v in versions.book().versions] == [5, 10]


async def test_publishing_needs_the_impact_shown_first(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    with transaction() as db:
        catalogue.ensure_categories(db)
    tab = tabs(cookie=staff("admin", "keeper@example.com"))
    await opened(tab)
    await tab.send(AdminRulesState, "start", {"version_id": "new"}, path=PATH)
    await tab.send(AdminRulesState, "save", {"form_data": form()}, path=PATH)
    other = tabs(cookie=staff("admin", "second@example.com"))
    state = await opened(other)
    draft = next(c for c in state.cards if c.status == "draft")
    await other.send(AdminRulesState, "publish", {"version_id": draft.id}, path=PATH)
    assert "Check the impact" in (await other.state(AdminRulesState)).problem
    assert ("draft", APRIL) in stored()


async def test_reviewers_read_and_registrants_get_nothing(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    with transaction() as db:
        catalogue.ensure_categories(db)
    admin = tabs(cookie=staff("admin", "keeper@example.com"))
    await opened(admin)
    await admin.send(AdminRulesState, "start", {"version_id": "new"}, path=PATH)
    await admin.send(AdminRulesState, "save", {"form_data": form()}, path=PATH)
    draft_id = next(c.id for c in (await admin.state(AdminRulesState)).cards if c.status == "draft")
    reader = tabs(cookie=staff("reviewer", "reader@example.com"))
    state = await opened(reader)
    assert len(state.cards) == 2 and not state.is_admin
    await reader.send(AdminRulesState, "preview", {"version_id": draft_id}, path=PATH)
    assert (await reader.state(AdminRulesState)).impact_for == draft_id  # reading is allowed
    for handler, payload in (
        ("publish", {"version_id": draft_id}),
        ("discard", {"version_id": draft_id}),
        ("start", {"version_id": "new"}),
        ("save", {"form_data": form(effective_from=today().isoformat())}),
    ):
        await reader.send(AdminRulesState, handler, payload, path=PATH)
    assert sorted(stored()) == sorted([("published", stored()[0][1]), ("draft", APRIL)])
    factories.registrant("nosy@example.com")
    registrant = tabs(cookie=session_cookie("nosy@example.com"))
    await open_page(registrant, PATH)
    await registrant.send(AdminRulesState, "load", path=PATH)
    await registrant.send(AdminRulesState, "preview", {"version_id": draft_id}, path=PATH)
    state = await registrant.state(AdminRulesState)
    assert state.cards == [] and state.impact_lines == []
    assert "Decided at the general meeting" not in registrant.sent_text()
