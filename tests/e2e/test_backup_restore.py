"""An operator backs up the running portal (a restore over it is refused), loses the server,
restores the archive into a fresh data folder and the registrant signs in there and
downloads their evidence."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD
from tests.e2e.helpers import claim_newest_activity_with, open_page, sign_in
from tests.portal_server import RunningPortal, own_app_root, running_portal

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n% backed up\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WHO = "backup-me@example.com"


def test_backup_while_serving_then_restore_elsewhere(browser, page, portal, tmp_path):
    sign_in(page, portal, WHO)
    open_page(page, "/mypage/points")
    evidence = tmp_path / "training-record.pdf"
    evidence.write_bytes(PDF)
    expect(claim_newest_activity_with(page, evidence)).to_contain_text("File added")

    archives = tmp_path / "archives"
    said = portal.cli("backup", str(archives), "--keep", "7")  # the portal keeps serving
    archive = re.search(r"wrote (\S+)", said).group(1)
    open_page(page, "/mypage/points")  # and still answers the registrant
    with pytest.raises(RuntimeError, match="serving from"):  # never over the running portal
        portal.cli("restore", archive, "--force")

    fresh = tmp_path / "new-server"  # the old server is gone: a new, empty data folder
    settings = portal.server.shared_settings()
    restorer = RunningPortal(
        base_url="",
        env={
            **portal.server.env,
            "PORTAL_DATA_DIR": str(fresh),
            "PORTAL_DB_URL": f"sqlite:///{fresh}/portal.db",
        },
        data_dir=fresh,
    )
    assert "evidence files; migrated" in restorer.cli("restore", archive)

    with running_portal(fresh, None, own_app_root(tmp_path), **settings) as restored:
        context = browser.new_context(base_url=restored.base_url)
        phone = context.new_page()
        phone.set_viewport_size({"width": 375, "height": 800})
        sign_in(phone, portal, WHO, password=DEMO_PASSWORD)
        open_page(phone, "/mypage/points")
        card = phone.locator("[id^=claim-card-]").first
        with phone.expect_download() as download:
            card.get_by_role("link", name="training-record.pdf").click()
        assert download.value.path().read_bytes() == PDF
        context.close()
