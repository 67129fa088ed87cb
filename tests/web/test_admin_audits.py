"""/admin/audits: admins draw, staff decide, everyone on staff reads; a registrant or a
reviewer sending the admin's events by name changes nothing, and nobody reads another's
audit from the registrant's side."""

from __future__ import annotations

from sqlmodel import select

from portal.domain.core.db import transaction
from portal.domain.points import audits, catalogue, claims
from portal.domain.points.tables import AuditDraw, Claim, ClaimAudit
from portal.domain.registry.tables import RegistryRecord
from portal.domain.renewal import renewals
from portal.web.pages.admin.audits import AdminAuditsState
from portal.web.pages.admin.record_state import AdminRecordState
from portal.web.pages.admin.renewals import AdminRenewalsState
from tests.domain.renewal.renewal_people import renewing
from tests.support.catalogue import activity
from tests.support.people import registrant_principal, session_cookie, staff, staff_principal
from tests.web.harness import open_page, open_record

PATH = "/admin/audits"


async def opened(tab) -> AdminAuditsState:
    await open_page(tab, PATH)
    await tab.send(AdminAuditsState, "load", path=PATH)
    return await tab.state(AdminAuditsState)


def declared(count: int) -> list[int]:
    admin, _ = staff_principal("keeper@example.com", "admin")
    with transaction() as db:
        catalogue.ensure_categories(db)
    seminar = activity(admin, days_ago=12)
    catalogue.set_review_mode(admin, "seminar", "self_declared")
    return [
        claims.submit_catalogue(registrant_principal(f"p{n}@example.com"), seminar)
        for n in range(count)
    ]


def draws() -> int:
    with transaction() as db:
        return len(db.exec(select(AuditDraw)).all())


async def test_an_admin_draws_and_a_reviewer_decides(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    made = declared(3)
    admin = tabs(cookie=staff("admin", "boss@example.com"))
    state = await opened(admin)
    assert state.is_admin and {"code": "seminar", "name": "Seminar"} in state.categories
    await admin.send(AdminAuditsState, "draw", {"form_data": {"percent": "0"}}, path=PATH)
    assert "percent" in (await admin.state(AdminAuditsState)).errors and draws() == 0
    form = {"percent": "50", "category": "seminar", "since": ""}
    await admin.send(AdminAuditsState, "draw", {"form_data": form}, path=PATH)
    state = await admin.state(AdminAuditsState)
    assert state.info.startswith("2 claims drawn out of 3")
    assert len(state.queue) == 2 and state.queue[0].status == "waiting"
    assert "50 % of Seminar: 2 of 3 drawn — 2 waiting" in state.draws[0]

    reader = tabs(cookie=staff("reviewer", "reader@example.com"))
    state = await opened(reader)
    assert not state.is_admin and len(state.queue) == 2
    await reader.send(AdminAuditsState, "draw", {"form_data": form}, path=PATH)
    assert draws() == 1  # reviewers do not draw
    audit_id = state.queue[0].id
    fail = {"audit_id": audit_id, "outcome": "fail", "reason": " "}
    await reader.send(AdminAuditsState, "decide", {"form_data": fail}, path=PATH)
    assert "reason" in (await reader.state(AdminAuditsState)).errors
    fail["reason"] = "The certificate names another course"
    await reader.send(AdminAuditsState, "decide", {"form_data": fail}, path=PATH)
    state = await reader.state(AdminAuditsState)
    assert state.info.startswith("The audit did not pass") and len(state.queue) == 1
    assert state.rates == ["Seminar: 0 of 1 audit passed (0 %)"]
    with transaction() as db:
        decided = db.get(ClaimAudit, int(audit_id))
        failed = db.get(Claim, decided.claim_id)
        assert (decided.status, failed.status) == ("failed", "rejected")
    assert failed.id in made
    await open_record(reader, failed.record_id)  # left there for a decision on a renewal
    [line] = (await reader.state(AdminRecordState)).audits
    assert "not passed, the points no longer count — The certificate names another" in line


async def test_a_registrant_reads_and_decides_nothing_here(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    made = declared(1)
    admin = tabs(cookie=staff("admin", "boss@example.com"))
    await opened(admin)
    await admin.send(AdminAuditsState, "draw", {"form_data": {"percent": "100"}}, path=PATH)
    with transaction() as db:
        [audit] = db.exec(select(ClaimAudit)).all()
    nosy = tabs(cookie=session_cookie("p0@example.com"))  # the audited registrant
    state = await opened(nosy)
    assert state.queue == [] and state.draws == []
    payload = {"form_data": {"audit_id": str(audit.id), "outcome": "pass", "reason": ""}}
    await nosy.send(AdminAuditsState, "decide", payload, path=PATH)
    await nosy.send(AdminAuditsState, "draw", {"form_data": {"percent": "100"}}, path=PATH)
    with transaction() as db:
        assert db.get(ClaimAudit, audit.id).status == "waiting"  # nobody passes their own
    assert draws() == 1 and made
    assert "p0@example.com" not in nosy.sent_text()


async def test_the_renewal_queue_names_the_claims_still_under_audit(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    me = renewing("applicant@example.com", days_left=30, points=5)
    renewals.apply(me, True)
    with transaction() as db:  # one of the claims was self-declared, and is drawn
        claim = db.exec(
            select(Claim)
            .join(RegistryRecord, RegistryRecord.id == Claim.record_id)
            .where(RegistryRecord.account_id == me.account_id)
        ).first()
        claim.self_declared = True
    audits.draw(None, 100)
    desk = tabs(cookie=staff("reviewer", "desk@example.com"))
    await open_page(desk, "/admin/renewals")
    await desk.send(AdminRenewalsState, "load", path="/admin/renewals")
    [row] = (await desk.state(AdminRenewalsState)).rows
    assert row["audits"] == "1 claim under audit (counted until it fails)"
