"""Dashboard, renewal page, decision queue and verification, driven as browsers (and hostile ones)."""

from __future__ import annotations

from sqlmodel import select

from portal.domain.core.db import transaction
from portal.domain.points import audits
from portal.domain.points.tables import Claim
from portal.domain.registry.tables import RegistryRecord
from portal.domain.renewal.tables import Certificate, RenewalApplication
from portal.i18n import format_date
from portal.web.pages.admin.renewals import AdminRenewalsState
from portal.web.pages.mypage.dashboard import DashboardState
from portal.web.pages.mypage.renewal import RenewalState
from portal.web.pages.verify import VerifyState
from tests.domain.renewal.renewal_people import renewing
from tests.support.people import STAFF_PASSWORD, session_cookie, staff_principal
from tests.web.harness import open_page

RENEWAL = "/mypage/renewal"
QUEUE = "/admin/renewals"


async def opened(tabs, email: str, state, path: str, password: str | None = None):
    tab = tabs(cookie=session_cookie(email, password) if password else session_cookie(email))
    await open_page(tab, path)
    await tab.send(state, "load", path=path)
    return tab


def applications() -> list[RenewalApplication]:
    with transaction() as db:
        return list(db.exec(select(RenewalApplication)).all())


async def test_the_dashboard_says_exactly_what_is_missing(tabs):
    renewing("short@example.com", points=4)
    tab = await opened(tabs, "short@example.com", DashboardState, "/mypage")
    state = await tab.state(DashboardState)
    marks = {r["code"]: r["met"] for r in state.requirements}
    assert marks == {"course": "yes", "newsletter": "yes", "points": "", "window": "yes"}
    points = next(r for r in state.requirements if r["code"] == "points")
    assert points["fact"] == "4 of 5 points counted; 1 to go"
    assert points["fix_href"] == "/mypage/points"
    assert not state.can_apply and "1 requirement" in state.headline
    assert "every requirement" in state.apply_note and state.progress == 80


async def test_a_registrant_who_is_not_eligible_cannot_apply_by_calling_the_handler(tabs):
    renewing("short@example.com", points=4)
    early = renewing("early@example.com", days_left=300)
    tab = await opened(tabs, "short@example.com", RenewalState, RENEWAL)
    await tab.send(RenewalState, "submit", {"form_data": {"declare": "on"}}, path=RENEWAL)
    assert "cannot apply yet" in (await tab.state(RenewalState)).problem
    tab = await opened(tabs, "early@example.com", DashboardState, "/mypage")
    state = await tab.state(DashboardState)
    assert state.apply_note.startswith("Applications open on")
    await open_page(tab, RENEWAL)
    await tab.send(RenewalState, "submit", {"form_data": {"declare": "on"}}, path=RENEWAL)
    assert applications() == [] and early is not None


async def test_confirm_the_address_declare_apply_and_withdraw(tabs):
    renewing("me@example.com")
    tab = await opened(tabs, "me@example.com", RenewalState, RENEWAL)
    state = await tab.state(RenewalState)
    assert state.can_apply and state.mailing["address"] == "東京都千代田区1-1"
    await tab.send(RenewalState, "edit_address", path=RENEWAL)
    form = {"postal_code": "５３０－０００１", "address": "大阪府大阪市北区1-1"}
    await tab.send(RenewalState, "check_address", {"form_data": form}, path=RENEWAL)
    state = await tab.state(RenewalState)
    assert state.address_mode == "confirm"
    assert [c["new"] for c in state.changes] == ["530-0001", "大阪府大阪市北区1-1"]
    await tab.send(RenewalState, "save_address", path=RENEWAL)
    state = await tab.state(RenewalState)
    assert state.mailing["postal_code"] == "530-0001" and "saved" in state.info
    await tab.send(RenewalState, "submit", {"form_data": {}}, path=RENEWAL)
    assert "declare" in (await tab.state(RenewalState)).errors
    await tab.send(RenewalState, "submit", {"form_data": {"declare": "on"}}, path=RENEWAL)
    state = await tab.state(RenewalState)
    assert state.application["status"] == "submitted" and state.applied
    assert "大阪府大阪市北区1-1" in state.application["address"]
    await tab.send(
        RenewalState, "withdraw", {"application_id": state.application["id"]}, path=RENEWAL
    )
    state = await tab.state(RenewalState)
    assert state.application["status"] == "withdrawn" and state.can_apply


async def test_a_reviewer_approves_and_the_holder_sees_and_verifies_the_certificate(
    tabs, configure
):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    staff_principal("boss@example.com", "reviewer")
    renewing("me@example.com")
    me = await opened(tabs, "me@example.com", RenewalState, RENEWAL)
    await me.send(RenewalState, "submit", {"form_data": {"declare": "on"}}, path=RENEWAL)
    [app] = applications()

    boss = await opened(tabs, "boss@example.com", AdminRenewalsState, QUEUE, STAFF_PASSWORD)
    state = await boss.state(AdminRenewalsState)
    assert [r["id"] for r in state.rows] == [str(app.id)]
    await boss.send(
        AdminRenewalsState, "open_application", {"application_id": str(app.id)}, path=QUEUE
    )
    state = await boss.state(AdminRenewalsState)
    assert state.detail["decidable"] == "yes"
    assert all(r["met"] == "yes" for r in state.then) and all(r["met"] for r in state.now)
    await boss.send(AdminRenewalsState, "reject", {"form": {"reason": ""}}, path=QUEUE)
    assert "reason" in (await boss.state(AdminRenewalsState)).errors
    await boss.send(AdminRenewalsState, "approve", path=QUEUE)
    state = await boss.state(AdminRenewalsState)
    assert state.info.startswith("Approved: certificate") and state.rows == []
    [row] = state.to_mail
    await boss.send(
        AdminRenewalsState, "toggle", {"certificate_id": row["id"], "checked": True}, path=QUEUE
    )
    await boss.send(AdminRenewalsState, "mark_mailed", path=QUEUE)
    assert (await boss.state(AdminRenewalsState)).to_mail == []

    await open_page(me, RENEWAL)
    await me.send(RenewalState, "load", path=RENEWAL)
    state = await me.state(RenewalState)
    [cert] = state.certificates
    assert state.application["status"] == "approved" and cert["mailing"].startswith("Mailed on")

    visitor = tabs()
    path = f"/verify/{cert['number']}"
    await open_page(visitor, path)
    await visitor.send(VerifyState, "load", path=path)
    found = await visitor.state(VerifyState)
    assert found.found and found.facts["holder"] == "山田 花子"
    assert found.status == "valid" and set(found.period) == {"en", "ja"}
    assert "年" in found.period["ja"] and "年" not in found.period["en"]
    assert set(found.facts) == {"holder", "registration_number", "number"}
    await open_page(visitor, "/verify/2026-AAAA-AAAA")
    await visitor.send(VerifyState, "load", path="/verify/2026-AAAA-AAAA")
    state = await visitor.state(VerifyState)
    assert state.checked and not state.found


async def test_reviewers_search_the_queue_through_the_url(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    staff_principal("boss@example.com", "reviewer")
    for email, family in (("a@example.com", "佐藤"), ("b@example.com", "鈴木")):
        renewing(email, family_name=family)
        me = await opened(tabs, email, RenewalState, RENEWAL)
        await me.send(RenewalState, "submit", {"form_data": {"declare": "on"}}, path=RENEWAL)
    boss = await opened(tabs, "boss@example.com", AdminRenewalsState, QUEUE, STAFF_PASSWORD)
    assert len((await boss.state(AdminRenewalsState)).rows) == 2
    await boss.send(AdminRenewalsState, "search", {"form": {"q": " 鈴木 "}}, path=QUEUE)
    assert boss.redirects_to("/admin/renewals?status=submitted&q=%E9%88%B4%E6%9C%A8")
    searched = "/admin/renewals?status=submitted&q=%E9%88%B4%E6%9C%A8"
    await open_page(boss, searched)
    await boss.send(AdminRenewalsState, "load", path=searched)
    state = await boss.state(AdminRenewalsState)
    assert [r["name"] for r in state.rows] == ["鈴木 花子"] and state.text == "鈴木"
    assert state.status_links["approved"] == "/admin/renewals?status=approved&q=%E9%88%B4%E6%9C%A8"
    assert (state.prev_link, state.next_link) == ("", "")


async def test_a_registrant_cannot_decide_or_mark_mailed(tabs):
    renewing("victim@example.com")
    renewing("attacker@example.com")
    victim = await opened(tabs, "victim@example.com", RenewalState, RENEWAL)
    await victim.send(RenewalState, "submit", {"form_data": {"declare": "on"}}, path=RENEWAL)
    [app] = applications()
    attacker = await opened(tabs, "attacker@example.com", AdminRenewalsState, QUEUE)
    assert attacker.redirects_to("/mypage")
    for handler, payload in (
        ("open_application", {"application_id": str(app.id)}),
        ("approve", None),
        ("reject", {"form": {"reason": "no"}}),
        ("mark_mailed", None),
    ):
        await attacker.send(AdminRenewalsState, handler, payload, path=QUEUE)
    [still] = applications()
    assert still.status == "submitted"
    attacker_renewal = await opened(tabs, "attacker@example.com", RenewalState, RENEWAL)
    await attacker_renewal.send(
        RenewalState, "withdraw", {"application_id": str(app.id)}, path=RENEWAL
    )
    assert applications()[0].status == "submitted"
    with transaction() as db:
        assert db.exec(select(Certificate)).all() == []
        assert set(db.exec(select(RegistryRecord.status)).all()) == {"active"}


async def test_the_dashboard_says_a_claim_counts_while_under_audit(tabs):
    me = renewing("audited@example.com", points=5)
    with transaction() as db:  # one of the claims was self-declared
        claim = db.exec(
            select(Claim)
            .join(RegistryRecord, RegistryRecord.id == Claim.record_id)
            .where(RegistryRecord.account_id == me.account_id)
        ).first()
        claim.self_declared = True
    drawn = audits.draw(None, 100)
    tab = await opened(tabs, "audited@example.com", DashboardState, "/mypage")
    state = await tab.state(DashboardState)
    day = format_date(drawn.due_on, "en")
    assert state.audits == [
        f"“{claim.description}”: counted, under audit until {day}: send "
        "the evidence from My points."
    ]
    points = next(r for r in state.requirements if r["code"] == "points")
    assert points["met"] == "yes"
