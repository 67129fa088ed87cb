"""The shipped systemd unit (deploy/portal.service) is one systemd accepts: every directive
known, every command present. Checked with `systemd-analyze verify` on a copy whose
/srv/portal is this checkout (no systemd needs to be running)."""

from __future__ import annotations

import subprocess

from tests.portal_server import ROOT


def test_systemd_accepts_the_unit(tmp_path):
    unit = (ROOT / "deploy" / "portal.service").read_text()
    assert "/srv/portal" in unit
    copy = tmp_path / "portal.service"
    copy.write_text(unit.replace("/srv/portal", str(ROOT)))
    done = subprocess.run(
        ["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == ""
