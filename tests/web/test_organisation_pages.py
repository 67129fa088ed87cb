"""Organisations: admins manage them, their users see only their own, and nobody else gets in
— whatever a hostile client sends."""

from __future__ import annotations

from sqlmodel import select

from portal.domain.accounts import password_reset, sessions
from portal.domain.accounts.tables import Account
from portal.domain.core.db import transaction
from portal.domain.organisations import directory
from portal.domain.points import catalogue
from portal.domain.rules import standing
from portal.web.pages.admin.activities import AdminActivitiesState
from portal.web.pages.admin.attendance_reports import AdminReportsState
from portal.web.pages.admin.organisations import AdminOrganisationsState
from portal.web.pages.admin.proposals import AdminProposalsState
from portal.web.pages.mypage.dashboard import DashboardState
from portal.web.pages.org.attendance import OrgReportState
from portal.web.pages.org.home import OrgHomeState
from tests import factories
from tests.domain.organisations.people import invitation_token
from tests.support.people import HERE, STAFF_PASSWORD, actor_of, session_cookie, staff
from tests.web.harness import open_page

ADMIN_PAGE = "/admin/organisations"


def account(email: str) -> Account:
    with transaction() as db:
        return db.exec(select(Account).where(Account.email == email)).one()


def provider_user(email: str, organisation: str = "Tokyo Seminars") -> str:
    """A provider (created from the command line) whose first user accepted the invitation
    and signed in; returns the user's cookie."""
    directory.create(None, organisation, "provider", "", first_user=(email, "Clerk", "en"))
    password_reset.complete(invitation_token(email), STAFF_PASSWORD, STAFF_PASSWORD, HERE)
    return session_cookie(email, STAFF_PASSWORD)


async def test_an_admin_creates_a_provider_invites_a_user_and_deactivates_it(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    tab = tabs(cookie=staff("admin", "boss@example.com"))
    await open_page(tab, ADMIN_PAGE)
    await tab.send(AdminOrganisationsState, "load", path=ADMIN_PAGE)
    await tab.send(
        AdminOrganisationsState, "create", {"form": {"org_name": " ", "org_kind": "x"}}, ADMIN_PAGE
    )
    state = await tab.state(AdminOrganisationsState)
    assert set(state.errors) == {"org_name", "org_kind"} and state.rows == []
    form = {"org_name": "Tokyo Seminars", "org_kind": "provider", "contact_email": "o@t.example"}
    await tab.send(AdminOrganisationsState, "create", {"form": form}, ADMIN_PAGE)
    state = await tab.state(AdminOrganisationsState)
    assert [r["name"] for r in state.rows] == ["Tokyo Seminars"]
    assert state.detail["name"] == "Tokyo Seminars" and state.open_id == state.rows[0]["id"]

    invite = {"user_name": "Clerk", "user_email": "Clerk@T.example", "user_language": "ja"}
    await tab.send(AdminOrganisationsState, "invite", {"form": invite}, ADMIN_PAGE)
    state = await tab.state(AdminOrganisationsState)
    assert [(u["email"], u["status"]) for u in state.users] == [("clerk@t.example", "invited")]
    password_reset.complete(
        invitation_token("clerk@t.example"), STAFF_PASSWORD, STAFF_PASSWORD, HERE
    )
    clerk = session_cookie("clerk@t.example", STAFF_PASSWORD)
    secret = clerk.split("=", 1)[1]

    await tab.send(AdminOrganisationsState, "ask", {"what": "organisation"}, ADMIN_PAGE)
    assert sessions.resolve(secret) is not None  # asking is not doing
    await tab.send(AdminOrganisationsState, "deactivate", {"what": "organisation"}, ADMIN_PAGE)
    state = await tab.state(AdminOrganisationsState)
    assert state.detail["status"] == "deactivated"
    assert sessions.resolve(secret) is None
    assert account("clerk@t.example").status == "disabled"


async def test_an_organisation_user_sees_their_organisation_and_nothing_else(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    boss = actor_of(staff("admin", "boss@example.com").split("=", 1)[1])
    cookie = provider_user("clerk@t.example")
    provider_user("desk@o.example", "Osaka Lectures")
    tab = tabs(cookie=cookie)
    await tab.send(OrgHomeState, "load", path="/org")
    state = await tab.state(OrgHomeState)
    assert state.name == "Tokyo Seminars"
    assert [p["email"] for p in state.people] == ["clerk@t.example"]
    assert "desk@o.example" not in tab.sent_text() and "Osaka" not in tab.sent_text()
    # Registrant and staff pages turn them away to /org.
    for page_state, path in ((DashboardState, "/mypage"), (AdminOrganisationsState, ADMIN_PAGE)):
        tab.events.clear()
        await tab.send(page_state, "load", path=path)
        assert tab.redirects_to("/org"), path
    # Staff handlers called by name change nothing.
    osaka = str(directory.listing(boss)[0].id)
    for handler, payload in (
        ("create", {"form": {"org_name": "Mine", "org_kind": "provider"}}),
        ("open", {"organisation_id": osaka}),
        ("deactivate", {"what": "organisation"}),
        ("deactivate", {"what": str(account("desk@o.example").id)}),
    ):
        await tab.send(AdminOrganisationsState, handler, payload, path=ADMIN_PAGE)
    assert account("desk@o.example").status == "active"
    assert [o.name for o in directory.listing(boss)] == ["Osaka Lectures", "Tokyo Seminars"]
    assert "Osaka" not in tab.sent_text()


async def test_registrants_and_reviewers_are_turned_away_from_organisation_pages(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    factories.registrant("reg@example.com")
    provider_user("clerk@t.example")
    callers = (
        (session_cookie("reg@example.com"), "/mypage"),
        (staff("reviewer", "rev@example.com"), "/admin"),
        ("", "/login"),
    )
    for cookie, home in callers:
        tab = tabs(cookie=cookie)
        await tab.send(OrgHomeState, "load", path="/org")
        assert tab.redirects_to(home)
        assert (await tab.state(OrgHomeState)).name == ""
        await tab.send(AdminOrganisationsState, "load", path=ADMIN_PAGE)
        await tab.send(
            AdminOrganisationsState, "deactivate", {"what": "organisation"}, path=ADMIN_PAGE
        )
        assert (await tab.state(AdminOrganisationsState)).rows == []
        assert "Tokyo Seminars" not in tab.sent_text()
    assert account("clerk@t.example").status == "active"


SEMINAR_FORM = {
    "title": "Interviewing skills",
    "category": "seminar",
    "starts_on": "2026-12-10",
    "points_requested": "2",
    "place": "Shinjuku",
    "language": "en",
}


async def test_a_provider_proposes_and_staff_approve_it_from_the_activities_page(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    with transaction() as db:
        catalogue.ensure_categories(db)
    clerk = tabs(cookie=provider_user("clerk@t.example"))
    await clerk.send(OrgHomeState, "load", path="/org")
    await clerk.send(OrgHomeState, "propose", {"form": {**SEMINAR_FORM, "title": ""}}, "/org")
    state = await clerk.state(OrgHomeState)
    assert set(state.errors) == {"title"} and state.proposals == []
    await clerk.send(OrgHomeState, "propose", {"form": SEMINAR_FORM}, "/org")
    state = await clerk.state(OrgHomeState)
    assert state.errors == {} and state.info
    assert [(p["title"], p["status"]) for p in state.proposals] == [
        ("Interviewing skills", "submitted")
    ]

    boss = tabs(cookie=staff("admin", "boss@example.com"))
    await boss.send(AdminProposalsState, "load", path="/admin/activities")
    [row] = (await boss.state(AdminProposalsState)).rows
    assert (row["organisation"], row["points"]) == ("Tokyo Seminars", "2")
    await boss.send(AdminProposalsState, "open", {"proposal_id": row["id"]}, "/admin/activities")
    decision = {"decision": "approve", "points": "1", "category": "seminar", "reason": ""}
    await boss.send(AdminProposalsState, "decide", {"form": decision}, "/admin/activities")
    state = await boss.state(AdminProposalsState)
    assert set(state.errors) == {"reason"} and len(state.rows) == 1  # changed points: why?
    decision["reason"] = "Two hours count as one point."
    await boss.send(AdminProposalsState, "decide", {"form": decision}, "/admin/activities")
    await boss.send(AdminActivitiesState, "refresh", {"_form": {}}, "/admin/activities")
    assert (await boss.state(AdminProposalsState)).rows == []
    activities = (await boss.state(AdminActivitiesState)).rows
    assert [(a["title"], a["organiser"], a["points"]) for a in activities] == [
        ("Interviewing skills", "Tokyo Seminars", "1")
    ]
    await clerk.send(OrgHomeState, "load", path="/org")
    [mine] = (await clerk.state(OrgHomeState)).proposals
    assert (mine["status"], mine["reason"]) == ("approved", "Two hours count as one point.")


async def test_nobody_else_proposes_decides_or_reads_proposals(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    with transaction() as db:
        catalogue.ensure_categories(db)
    clerk_cookie = provider_user("clerk@t.example")
    other = tabs(cookie=provider_user("desk@o.example", "Osaka Lectures"))
    clerk = tabs(cookie=clerk_cookie)
    await clerk.send(OrgHomeState, "propose", {"form": SEMINAR_FORM}, "/org")
    factories.registrant("reg@example.com")
    registrant = tabs(cookie=session_cookie("reg@example.com"))
    approve = {"decision": "approve", "points": "2", "category": "seminar", "reason": ""}
    for tab in (other, registrant, tabs()):
        await tab.send(OrgHomeState, "load", path="/org")
        await tab.send(AdminProposalsState, "load", path="/admin/activities")
        await tab.send(AdminProposalsState, "open", {"proposal_id": "1"}, "/admin/activities")
        await tab.send(AdminProposalsState, "decide", {"form": approve}, "/admin/activities")
        assert "Interviewing skills" not in tab.sent_text()
    await registrant.send(OrgHomeState, "propose", {"form": SEMINAR_FORM}, "/org")
    boss = tabs(cookie=staff("admin", "boss@example.com"))
    await boss.send(AdminProposalsState, "load", path="/admin/activities")
    assert [r["organisation"] for r in (await boss.state(AdminProposalsState)).rows] == [
        "Tokyo Seminars"
    ]


async def test_a_provider_reports_attendance_and_staff_confirm_it(tabs, configure):
    import datetime as dt
    import io
    from pathlib import Path

    import reflex as rx

    from portal.domain.core.clock import today
    from portal.domain.organisations import proposals
    from tests.support.people import person

    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    (p0, n0, name0), (_, n1, _) = person("p0@example.com"), person("p1@example.com")
    clerk_cookie = provider_user("clerk@t.example")
    boss_cookie = staff("admin", "boss@example.com")
    boss = actor_of(boss_cookie.split("=", 1)[1])
    clerk = actor_of(clerk_cookie.split("=", 1)[1])
    day = (today() - dt.timedelta(days=3)).isoformat()
    form = {"title": "Fair hiring", "category": "seminar", "starts_on": day}
    seminar = proposals.approve(
        boss, proposals.propose(clerk, {**form, "points_requested": "2"}), "2", "seminar"
    )

    tab = tabs(cookie=clerk_cookie)
    await tab.send(OrgReportState, "load", path="/org")
    [activity] = (await tab.state(OrgReportState)).activities
    assert (activity["id"], activity["done"]) == (str(seminar), "yes")
    await tab.send(OrgReportState, "start", {"activity_id": str(seminar)}, path="/org")
    listing = f"番号,氏名\r\n{n0},{name0}\r\n{n1},Someone Else\r\n".encode("cp932")
    upload = {"files": [rx.UploadFile(file=io.BytesIO(listing), path=Path("list.csv"))]}
    await tab.send(OrgReportState, "check", upload, path="/org")
    state = await tab.state(OrgReportState)
    counts = {c["key"]: c["value"] for c in state.counts}
    assert counts["attendance.matched"] == "1" and counts["attendance.not_found"] == "1"
    assert state.ready and state.lines[0]["name"] == "Someone Else"  # never the holder's name
    assert "Test Person" not in tab.sent_text().replace(name0, "")
    await tab.send(OrgReportState, "send", path="/org")
    state = await tab.state(OrgReportState)
    assert state.info and [r["status"] for r in state.reports] == ["submitted"]

    desk = tabs(cookie=boss_cookie)
    await desk.send(AdminReportsState, "load", path="/admin/activities")
    [row] = (await desk.state(AdminReportsState)).rows
    assert row["organisation"] == "Tokyo Seminars"
    # Nobody else can confirm it.
    for cookie in (clerk_cookie, session_cookie("p1@example.com"), ""):
        other = tabs(cookie=cookie)
        await other.send(AdminReportsState, "open", {"report_id": row["id"]}, "/admin/activities")
        await other.send(AdminReportsState, "confirm", path="/admin/activities")
    assert standing.own(p0).count.counted == 0
    await desk.send(AdminReportsState, "open", {"report_id": row["id"]}, "/admin/activities")
    await desk.send(AdminReportsState, "confirm", path="/admin/activities")
    assert (await desk.state(AdminReportsState)).rows == []
    assert standing.own(p0).count.counted == 2
    await tab.send(OrgReportState, "load", path="/org")
    assert [r["status"] for r in (await tab.state(OrgReportState)).reports] == ["confirmed"]
