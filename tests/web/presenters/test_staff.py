"""The staff list's rows, built without Reflex or a database."""

from __future__ import annotations

import datetime as dt

from portal.domain.staff.staff_accounts import StaffMember
from portal.web.presenters import staff

AT = dt.datetime(2026, 5, 1, 1, 30, tzinfo=dt.UTC)


def test_a_staff_member_row_says_what_an_admin_may_do_to_it():
    me = StaffMember(1, "Sato", "sato@example.com", "admin", "active", True, AT)
    other = StaffMember(2, "Ito", "ito@example.com", "reviewer", "invited", False, None)
    mine, theirs = staff.members([me, other], reader_id=1, lang="ja")
    assert mine.me and mine.resettable and mine.role_text != "admin"
    assert not theirs.me and not theirs.resettable and theirs.last == "—"
    assert "10:30" in mine.last  # the association's time zone
