"""The points page: a registrant claims, attaches and withdraws; nobody reaches another's claims."""

from __future__ import annotations

import io
from pathlib import Path

import reflex as rx
from sqlmodel import select

from portal.domain.core.db import transaction
from portal.domain.points import audits, catalogue
from portal.domain.points import claims as claim_service
from portal.domain.points.tables import Claim, EvidenceFile
from portal.web.pages.mypage.points import PointsState
from tests.support.catalogue import PDF, activity
from tests.support.people import registrant_principal, session_cookie, staff_principal
from tests.web.harness import open_page

PATH = "/mypage/points"


def upload(data: bytes, name: str) -> dict:
    return {"files": [rx.UploadFile(file=io.BytesIO(data), path=Path(name))]}


async def open_points(tab) -> None:
    await open_page(tab, PATH)
    await tab.send(PointsState, "load", path=PATH)


async def test_claim_attach_and_see_the_timeline(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    boss, _ = staff_principal("boss@example.com")
    registrant_principal("me@example.com")
    seminar = activity(boss, points=2)
    tab = tabs(cookie=session_cookie("me@example.com"))
    await open_points(tab)
    state = await tab.state(PointsState)
    assert [a.id for a in state.activities] == [str(seminar)] and state.required == 5
    await tab.send(PointsState, "claim_activity", {"activity_id": str(seminar)}, path=PATH)
    state = await tab.state(PointsState)
    assert state.mode == "attach" and state.claims[0].status == "submitted"
    assert state.activities[0].claimed
    await tab.send(PointsState, "upload_evidence", upload(b"GIF89a", "x.gif"), path=PATH)
    assert "PDF, JPEG or PNG" in (await tab.state(PointsState)).problem
    await tab.send(PointsState, "upload_evidence", upload(PDF, "受講証明.pdf"), path=PATH)
    state = await tab.state(PointsState)
    [card] = state.claims
    claim_id = card.id
    assert card.files[0].name == "受講証明.pdf"
    assert [e.what for e in card.timeline] == ["Submitted", "File added"]
    await tab.send(PointsState, "withdraw", {"claim_id": claim_id}, path=PATH)
    assert (await tab.state(PointsState)).claims[0].status == "withdrawn"


async def test_other_activity_errors_stay_on_their_fields(tabs):
    registrant_principal("me@example.com")
    tab = tabs(cookie=session_cookie("me@example.com"))
    await open_points(tab)
    await tab.send(PointsState, "show_other", path=PATH)
    form = {
        "description": "Job fair",
        "organiser": "",
        "activity_date": "2020-01-01",
        "points": "3",
    }
    await tab.send(PointsState, "submit_other", {"form": form}, path=PATH)
    state = await tab.state(PointsState)
    assert set(state.errors) == {"organiser"} and state.claims == []


async def test_nobody_touches_another_registrants_claim(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    boss, _ = staff_principal("boss@example.com")
    victim = registrant_principal("victim@example.com")
    registrant_principal("attacker@example.com")
    claim_id = claim_service.submit_catalogue(victim, activity(boss))
    attacker = tabs(cookie=session_cookie("attacker@example.com"))
    await open_points(attacker)
    await attacker.send(PointsState, "start_attach", {"claim_id": str(claim_id)}, path=PATH)
    assert (await attacker.state(PointsState)).attach_to == ""
    attacker_state = await attacker.state(PointsState)
    attacker_state.attach_to = str(claim_id)  # even with a forged panel target
    await attacker.send(PointsState, "upload_evidence", upload(PDF, "x.pdf"), path=PATH)
    await attacker.send(PointsState, "withdraw", {"claim_id": str(claim_id)}, path=PATH)
    await attacker.send(
        PointsState, "answer", {"form": {"claim_id": str(claim_id), "message": "x"}}, path=PATH
    )
    assert "victim@example.com" not in attacker.sent_text()
    with transaction() as db:
        assert db.exec(select(Claim.status)).one() == "submitted"
        assert db.exec(select(EvidenceFile)).all() == []
    staff_tab = tabs(cookie=session_cookie("boss@example.com", "Lantern-Orchard-58"))
    await open_points(staff_tab)
    assert staff_tab.redirects_to("/admin") or staff_tab.redirects_to("/mypage/account")
    anonymous = tabs()
    await anonymous.send(PointsState, "claim_activity", {"activity_id": "1"}, path=PATH)
    assert anonymous.redirects_to("/login")


def test_the_file_picker_takes_as_many_files_as_the_setting_allows(configure):
    """PORTAL_EVIDENCE_MAX_FILES, not a number written in the page, limits the picker."""
    from portal.web.pages.mypage import points

    for allowed in ("3", "12"):
        configure(PORTAL_EVIDENCE_MAX_FILES=allowed)
        hooks = " ".join(map(str, points._attach_panel()._get_all_hooks()))
        assert f'["maxFiles"] : {allowed},' in hooks


async def test_a_self_declared_claim_counts_at_once_and_the_registrant_keeps_the_evidence(
    tabs, configure
):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    boss, _ = staff_principal("boss@example.com")
    registrant_principal("me@example.com")
    seminar = activity(boss, points=2)
    catalogue.set_review_mode(boss, "seminar", "self_declared")
    tab = tabs(cookie=session_cookie("me@example.com"))
    await open_points(tab)
    state = await tab.state(PointsState)
    assert state.activities[0].self_declared
    await tab.send(PointsState, "claim_activity", {"activity_id": str(seminar)}, path=PATH)
    state = await tab.state(PointsState)
    assert state.counted == 2 and state.claims[0].status == "approved"
    assert state.mode == "" and state.info.startswith("Your points count now.")


async def test_a_claim_drawn_for_audit_says_by_when_and_takes_the_evidence(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    boss, _ = staff_principal("boss@example.com")
    me = registrant_principal("me@example.com")
    registrant_principal("other@example.com")
    seminar = activity(boss, points=2)
    catalogue.set_review_mode(boss, "seminar", "self_declared")
    claim_id = claim_service.submit_catalogue(me, seminar)
    audits.draw(boss, 100)
    tab = tabs(cookie=session_cookie("me@example.com"))
    await open_points(tab)
    [card] = (await tab.state(PointsState)).claims
    assert card.audit.startswith("Drawn for audit: please send") and card.audit_open
    assert (await tab.state(PointsState)).counted == 2  # it counts meanwhile
    await tab.send(PointsState, "start_attach", {"claim_id": str(claim_id)}, path=PATH)
    assert (await tab.state(PointsState)).mode == "attach"
    await tab.send(PointsState, "upload_evidence", upload(PDF, "受講証明.pdf"), path=PATH)
    [card] = (await tab.state(PointsState)).claims
    assert card.audit.startswith("Audit: your evidence was sent")
    other = tabs(cookie=session_cookie("other@example.com"))
    await open_points(other)
    await other.send(PointsState, "start_attach", {"claim_id": str(claim_id)}, path=PATH)
    state = await other.state(PointsState)
    assert state.mode == "" and state.claims == []  # another's audit is not theirs to see
