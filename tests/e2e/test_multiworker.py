"""Several backend workers on PostgreSQL and Redis (`cluster`): the journeys that matter
across processes, a worker killed in the middle of one, each message mailed once and the
daily jobs run once however many workers start them."""

from __future__ import annotations

import json
import os
import re
import signal
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from playwright.sync_api import expect

import tests.e2e.test_points as points
import tests.e2e.test_registry_admin as registry_admin
import tests.e2e.test_renewal as renewal
import tests.e2e.test_sign_in as signing_in
from tests.e2e.conftest import WORKERS
from tests.e2e.helpers import claim_newest_activity_with, open_page, sign_in

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n% kept through a crash\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WAIT = 60  # seconds a replacement worker or the mail may take at most
LOCK_SECONDS = 10  # Reflex's redis_lock_expiration: how long a dead worker's tab lock lasts
CRASH_LOOP_SECONDS = 5.5  # Granian: a replaced worker dying again sooner stops the server


def _processes(group: int) -> dict[int, int]:
    """pid → parent pid of every process in the process group `group`."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[2]) == group:
                found[int(entry.name)] = int(fields[1])
    return found


def workers(cluster) -> set[int]:
    """The backend worker processes: children of the server (`reflex run`, Granian's
    supervisor, leads the group), not the daily job runs they start (grandchildren)."""
    group = cluster.server.pgid
    return {pid for pid, parent in _processes(group).items() if parent == group}


def serving_browser(cluster) -> set[int]:
    """Workers holding an established connection on the portal's port (the only client
    connected is the test's browser)."""
    port = f"{cluster.server.port:04X}"
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[1].endswith(":" + port) and fields[3] == "01":  # ESTABLISHED
                inodes.add(fields[9])
    holders = set()
    for pid in workers(cluster):
        try:
            links = {os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()}
        except OSError:
            continue
        if any(f"socket:[{inode}]" in links for inode in inodes):
            holders.add(pid)
    return holders


def wait_for_workers(cluster, gone: set[int]) -> set[int]:
    """Block until WORKERS workers run and none of `gone` is among them; returns them."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        now = workers(cluster)
        if len(now) == WORKERS and not now & gone:
            return now
        time.sleep(0.2)
    raise TimeoutError(f"workers not replaced: {workers(cluster)}")


def wait_until_gone(pid: int) -> None:
    """Block until every thread of the process `pid` has exited and its sockets are closed
    (its main thread turns zombie first, while the others still tear down)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            if state in ("Z", "X") and len(os.listdir(f"/proc/{pid}/task")) <= 1:
                return
        except OSError:  # reaped
            return
        time.sleep(0.01)
    raise TimeoutError(f"process {pid} still running")


def wait_until_older(pid: int, seconds: float) -> None:
    """Wait out what remains of the first `seconds` of the process `pid`'s life."""
    ticks = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    age = uptime - ticks / os.sysconf("SC_CLK_TCK")
    time.sleep(max(0.0, seconds - age))


def healthy(cluster) -> bool:
    with urllib.request.urlopen(f"{cluster.base_url}/healthz", timeout=5) as response:
        return response.status == 200


def test_the_cluster_runs_several_worker_processes(cluster):
    assert len(workers(cluster)) == WORKERS


def test_signing_out_in_one_tab_ends_the_other(cluster_page, cluster):
    signing_in.test_after_sign_out_the_other_tab_can_do_nothing(cluster_page, cluster)


def test_a_claim_asked_about_answered_and_approved(cluster_page, cluster, browser, tmp_path):
    points.test_reviewer_asks_registrant_answers_with_a_file_then_approval_counts(
        cluster_page, cluster, browser, tmp_path
    )


def test_a_renewal_applied_approved_and_verified(cluster_page, cluster, browser):
    renewal.test_a_registrant_renews_from_four_points_to_a_verified_certificate(
        cluster_page, cluster, browser
    )


def test_an_import_with_its_progress_bar(cluster_page, cluster, tmp_path):
    registry_admin.test_import_with_one_bad_row_changes_nothing_then_the_fixed_file_imports(
        cluster_page, cluster, tmp_path
    )


def test_killed_workers_lose_nothing_and_the_tab_carries_on(cluster_page, cluster, tmp_path):
    page = cluster_page
    sign_in(page, cluster, "restart-me@example.com")
    open_page(page, "/mypage/points")
    evidence = tmp_path / "kept.pdf"
    evidence.write_bytes(PDF)
    expect(claim_newest_activity_with(page, evidence)).to_contain_text("File added")

    # One worker dies: once it is gone the others serve every request, and it is replaced.
    # (A connection it accepted in the instant it was dying is reset: see the README.)
    victim = min(workers(cluster))
    os.kill(victim, signal.SIGKILL)
    wait_until_gone(victim)
    assert all(healthy(cluster) for _ in range(20))
    replaced = wait_for_workers(cluster, {victim})
    # Granian stops the whole server when a worker it replaced dies again within its
    # crash-loop window (a crash loop): let the replacement outlive it.
    for pid in replaced:
        wait_until_older(pid, CRASH_LOOP_SECONDS)

    # Every worker this tab was talking to dies: its next event reaches another process,
    # which finds the tab's state in Redis.
    holders = serving_browser(cluster)
    assert holders, "the tab holds no connection"
    for pid in holders:
        os.kill(pid, signal.SIGKILL)
    wait_for_workers(cluster, holders)
    assert all(healthy(cluster) for _ in range(5))
    page.get_by_role("button", name="Claim", exact=True).first.click()
    # The dead worker still held this tab's state lock: it expires after LOCK_SECONDS.
    expect(page.get_by_role("status").first).to_contain_text(
        "Your claim was sent", timeout=(LOCK_SECONDS + 20) * 1000
    )
    open_page(page, "/mypage/points")
    cards = page.locator("[id^=claim-card-]")
    expect(cards).to_have_count(2)
    with page.expect_download() as download:
        cards.get_by_role("link", name="kept.pdf").click()
    assert download.value.path().read_bytes() == PDF


_LEDGER = """
import json
from sqlmodel import select
from portal.domain.core.db import transaction
from portal.domain.outbox.tables import OutboxMessage
from portal.domain.renewal.tables import JobRun
with transaction() as db:
    runs = [(r.name, str(r.day), r.finished_at is not None, r.summary)
            for r in db.exec(select(JobRun))]
    mail = [(m.id, m.template, m.status) for m in db.exec(select(OutboxMessage))]
print(json.dumps({"runs": runs, "mail": mail}))
"""


def test_each_message_went_once_and_the_daily_jobs_ran_once(cluster):
    """Runs after the journeys and the killed workers (whose replacements started the daily
    jobs again)."""
    deadline = time.monotonic() + WAIT
    while True:
        ledger = json.loads(cluster.server.python("-c", _LEDGER))
        if all(status != "pending" for _, _, status in ledger["mail"]):
            break
        assert time.monotonic() < deadline, "mail still waiting"
        time.sleep(0.5)
    sent = {number for number, _, status in ledger["mail"] if status == "sent"}
    received = Counter(
        int(found.group(1))
        for message in cluster.mail.messages
        if (found := re.search(r"\.outbox(\d+)@", str(message["Message-ID"])))
    )
    assert sent and set(received) == sent
    assert max(received.values()) == 1, [n for n, times in received.items() if times > 1]

    [daily] = ledger["runs"]  # one run, by one worker, though each started the jobs
    assert daily[2]  # finished
    summary = daily[3]
    reminders = [m for m in ledger["mail"] if m[1].startswith("renewal_reminder")]
    assert len(reminders) == summary["reminders"] > 0
