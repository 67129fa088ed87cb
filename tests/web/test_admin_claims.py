"""The review queue and claim page: staff decide once; registrants cannot decide or read others."""

from __future__ import annotations

from sqlmodel import select

from portal.domain.core.db import transaction
from portal.domain.points import claims as claim_service
from portal.domain.points.tables import Claim
from portal.web.pages.admin.claim import AdminClaimState
from portal.web.pages.admin.claims import AdminClaimsState
from tests import factories
from tests.support.catalogue import activity
from tests.support.people import (
    STAFF_PASSWORD,
    registrant_principal,
    session_cookie,
    staff_principal,
)
from tests.web.harness import open_page


def status_of(claim_id: int) -> str:
    with transaction() as db:
        return db.exec(select(Claim.status).where(Claim.id == claim_id)).one()


async def test_queue_bulk_approval_and_a_decision_on_the_claim_page(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    boss, _ = staff_principal("boss@example.com")
    me = registrant_principal("me@example.com")
    first = claim_service.submit_catalogue(me, activity(boss, days_ago=30))
    second = claim_service.submit_catalogue(me, activity(boss, days_ago=20, points=3))
    tab = tabs(cookie=session_cookie("boss@example.com", STAFF_PASSWORD))
    await open_page(tab, "/admin/claims")
    await tab.send(AdminClaimsState, "load", path="/admin/claims")
    state = await tab.state(AdminClaimsState)
    assert [r["id"] for r in state.rows] == [str(first), str(second)]  # oldest first
    await tab.send(
        AdminClaimsState, "toggle", {"claim_id": str(first), "checked": True}, path="/admin/claims"
    )
    await tab.send(AdminClaimsState, "approve_selected", path="/admin/claims")
    assert status_of(first) == "approved" and status_of(second) == "submitted"
    assert "1 claim approved" in (await tab.state(AdminClaimsState)).info

    path = f"/admin/claims/{second}"
    await open_page(tab, path)
    await tab.send(AdminClaimState, "load", path=path)
    assert status_of(second) == "in_review"
    state = await tab.state(AdminClaimState)
    assert "2 of 5" in state.standing[0] and state.is_open
    form = {"action": "approve", "points": "2", "reason": ""}
    await tab.send(AdminClaimState, "decide", {"form": form}, path=path)
    assert "reason" in (await tab.state(AdminClaimState)).errors
    await tab.send(
        AdminClaimState, "decide", {"form": {**form, "reason": "Half attended"}}, path=path
    )
    assert status_of(second) == "approved"
    timeline = (await tab.state(AdminClaimState)).timeline
    assert timeline[-1]["what"] == "Approved" and timeline[-1]["who"] == "Boss"
    assert timeline[0]["who"].startswith("Test Person")  # the registrant submitted it
    second_tab = tabs(cookie=session_cookie("boss@example.com", STAFF_PASSWORD))
    await second_tab.send(AdminClaimState, "load", path=path)
    await second_tab.send(
        AdminClaimState, "decide", {"form": {"action": "reject", "reason": "late"}}, path=path
    )
    assert status_of(second) == "approved"
    assert factories.outbox("me@example.com", "claim_approved")


async def test_registrants_cannot_review_or_read_claims(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    boss, _ = staff_principal("boss@example.com")
    victim = registrant_principal("victim@example.com")
    registrant_principal("me@example.com")
    claim_id = claim_service.submit_catalogue(victim, activity(boss))
    path = f"/admin/claims/{claim_id}"
    for cookie in (session_cookie("me@example.com"), ""):
        tab = tabs(cookie=cookie)
        await tab.send(AdminClaimsState, "load", path="/admin/claims")
        await tab.send(AdminClaimState, "load", path=path)
        await tab.send(
            AdminClaimState, "decide", {"form": {"action": "approve", "reason": "x"}}, path=path
        )
        await tab.send(
            AdminClaimsState, "toggle", {"claim_id": str(claim_id), "checked": True}, path=path
        )
        await tab.send(AdminClaimsState, "approve_selected", path="/admin/claims")
        assert "victim@example.com" not in tab.sent_text() and "Test" not in str(
            (await tab.state(AdminClaimState)).facts
        )
    assert status_of(claim_id) == "submitted"
