"""Staff management and the audit log answer admins only, whatever a hostile client sends."""

from __future__ import annotations

from sqlmodel import select

from portal.domain.accounts.tables import Account
from portal.domain.audit.tables import AuditEvent
from portal.domain.core.db import transaction
from portal.web.pages.admin.audit import AdminAuditState
from portal.web.pages.admin.staff import AdminStaffState
from tests import factories
from tests.support.people import session_cookie, staff
from tests.web.harness import open_page


def account(email: str) -> Account:
    with transaction() as db:
        return db.exec(select(Account).where(Account.email == email)).one()


async def test_admin_invites_promotes_and_deactivates_with_confirmation(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    tab = tabs(cookie=staff("admin", "boss@example.com"))
    other_cookie = staff("reviewer", "rev@example.com")
    await open_page(tab, "/admin/staff")
    await tab.send(AdminStaffState, "load", path="/admin/staff")
    form = {"name": "New Clerk", "email": "Clerk@Example.com", "role": "reviewer", "language": "ja"}
    await tab.send(AdminStaffState, "invite", {"form": form}, path="/admin/staff")
    state = await tab.state(AdminStaffState)
    assert "clerk@example.com" in state.info
    assert {m.email: m.status for m in state.members}["clerk@example.com"] == "invited"
    assert factories.outbox("clerk@example.com", "staff_invite")

    rev_id = str(account("rev@example.com").id)
    await tab.send(
        AdminStaffState, "set_role", {"account_id": rev_id, "role": "admin"}, path="/admin/staff"
    )
    assert account("rev@example.com").role == "admin"
    await tab.send(AdminStaffState, "ask_deactivate", {"account_id": rev_id}, path="/admin/staff")
    assert (await tab.state(AdminStaffState)).confirming == rev_id
    assert account("rev@example.com").status == "active"  # asking is not doing
    await tab.send(AdminStaffState, "deactivate", {"account_id": rev_id}, path="/admin/staff")
    assert account("rev@example.com").status == "disabled"
    locked_out = tabs(cookie=other_cookie)
    await locked_out.send(AdminStaffState, "load", path="/admin/staff")
    assert locked_out.redirects_to("/login")  # the session ended with the deactivation


async def test_reviewers_and_registrants_cannot_manage_staff_or_read_the_log(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    staff("admin", "boss@example.com")
    boss_id = str(account("boss@example.com").id)
    factories.registrant("reg@example.com")
    callers = (
        (staff("reviewer", "rev@example.com"), "rev@example.com"),
        (session_cookie("reg@example.com"), "reg@example.com"),
        ("", "boss@example.com"),
    )
    for cookie, me in callers:
        tab = tabs(cookie=cookie)
        await tab.send(AdminStaffState, "load", path="/admin/staff")
        await tab.send(
            AdminStaffState,
            "invite",
            {"form": {"name": "Mole", "email": "mole@example.com", "role": "admin"}},
            path="/admin/staff",
        )
        for target in {boss_id, str(account(me).id)}:
            for role in ("admin", "reviewer"):
                await tab.send(
                    AdminStaffState,
                    "set_role",
                    {"account_id": target, "role": role},
                    path="/admin/staff",
                )
            await tab.send(
                AdminStaffState, "deactivate", {"account_id": target}, path="/admin/staff"
            )
        await tab.send(AdminAuditState, "load", path="/admin/audit")
        assert (await tab.state(AdminStaffState)).members == []
        assert (await tab.state(AdminAuditState)).entries == []
        assert "boss@example.com" not in tab.sent_text()
    with transaction() as db:
        assert db.exec(select(Account).where(Account.email == "mole@example.com")).first() is None
        staff_actions = db.exec(
            select(AuditEvent.action).where(AuditEvent.action.startswith("staff."))
        ).all()
    assert (
        staff_actions == ["staff.created", "staff.created"]
        and account("boss@example.com").status == "active"
    )
    assert account("rev@example.com").role == "reviewer"


async def test_admin_reads_the_log_filtered_by_the_url(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    tab = tabs(cookie=staff("admin", "boss@example.com"))
    path = "/admin/audit?category=signin&actor=boss"
    await open_page(tab, path)
    await tab.send(AdminAuditState, "load", path=path)
    state = await tab.state(AdminAuditState)
    assert state.entries and {e["action"].split(".")[0] for e in state.entries} == {"signin"}
    assert state.params["category"] == "signin" and state.params["actor"] == "boss"
    await tab.send(
        AdminAuditState, "apply_filters", {"form": {"category": "staff", "to": "2026-12-31"}}
    )
    assert tab.redirects_to("/admin/audit?category=staff&to=2026-12-31")
