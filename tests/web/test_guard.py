"""The web layer's one guard (web.guard), driven as a hostile browser would."""

from __future__ import annotations

import inspect

from portal.domain.accounts import operations, sessions
from portal.domain.accounts.tables import Account, AccountStatus
from portal.domain.core.db import transaction
from portal.web.pages.admin.staff import AdminStaffState
from tests.support.people import staff
from tests.web.harness import open_page

PATH = "/admin/staff"


def status_of(account_id: int) -> str:
    with transaction() as db:
        return db.get(Account, account_id).status


async def test_a_browser_cannot_hand_a_guarded_handler_its_own_actor(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    admin_id = operations.create_staff("real-admin@example.com", "Str0ng-pass-phrase", "admin", "A")
    target = operations.create_staff("target@example.com", "Str0ng-pass-phrase", "reviewer", "T")
    forged = {"principal": {"account_id": admin_id, "kind": "staff", "role": "admin"}}
    for cookie in ("", "portal_session=forged", staff("reviewer", "sly@example.com")):
        tab = tabs(cookie)
        payload = {"account_id": str(target), "actor": forged}
        await tab.send(AdminStaffState, "deactivate", payload, path=PATH)
        assert status_of(target) == AccountStatus.ACTIVE
        assert tab.redirects_to("/login") or tab.redirects_to("/admin")  # turned away


async def test_reflex_sees_a_guarded_handler_without_its_actor(tabs):
    shown = inspect.signature(AdminStaffState.event_handlers["deactivate"].fn)
    assert list(shown.parameters) == ["self", "account_id"]


async def test_a_guarded_handler_resolves_the_session_once(tabs, configure, monkeypatch):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    tab = tabs(staff("admin", "once@example.com"))
    target = operations.create_staff("member@example.com", "Str0ng-pass-phrase", "reviewer", "M")
    await open_page(tab, PATH)  # the page is open: its own load has run
    calls = []
    real = sessions.resolve
    monkeypatch.setattr(sessions, "resolve", lambda secret: calls.append(1) or real(secret))
    await tab.send(AdminStaffState, "deactivate", {"account_id": str(target)}, path=PATH)
    assert status_of(target) == AccountStatus.DISABLED and len(calls) == 1
