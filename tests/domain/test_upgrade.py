"""`portal upgrade` and `portal --version`: back up, migrate, check — and the way back
when a step fails is the backup it took."""

from __future__ import annotations

import os

import pytest

from portal import __version__, cli
from portal.domain.accounts import signin
from portal.domain.core import migrations
from portal.domain.core.db import current_engine
from portal.operations import restore, serving, upgrade
from tests import factories
from tests.support.people import HERE
from tests.support.sites import site

BEFORE_SURVEYS = "0016"


def revision() -> str | None:
    with current_engine().connect() as conn:
        return migrations.revisions(conn)[0]


def head() -> str:
    with current_engine().connect() as conn:
        return migrations.revisions(conn)[1]


def test_the_version_is_one_semantic_version_the_command_line_prints(capsys):
    major, minor, patch = (int(part) for part in __version__.split("."))
    assert (major, minor, patch) >= (0, 2, 0)
    with pytest.raises(SystemExit) as done:
        cli.main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.strip() == f"portal {__version__}"


def test_an_upgrade_backs_up_then_migrates_then_checks(kind, tmp_path, configure):
    with site(kind, tmp_path / "old", configure, revision=BEFORE_SURVEYS):
        assert revision().startswith(BEFORE_SURVEYS)
        done = upgrade.upgrade(tmp_path / "backups")
        assert done.archive is not None and done.archive.parent == tmp_path / "backups"
        assert revision() == head()
        assert done.steps[0][1].startswith(f"backup {done.archive}")
        assert any(f"→ {head()}" in text for _, text in done.steps)


def test_nothing_happens_while_a_portal_serves_or_the_backup_folder_is_not_writable(
    kind, tmp_path, configure
):
    with site(kind, tmp_path / "old", configure, revision=BEFORE_SURVEYS) as old:
        worker = serving.mark_serving(old.data_dir)  # as each backend process does
        try:
            refused = upgrade.upgrade(tmp_path / "backups")
        finally:
            os.close(worker)
        assert not refused.ok and "stop it before upgrading" in refused.steps[-1][1]
        assert refused.archive is None and "nothing was changed" in refused.way_back
        blocked = tmp_path / "a-file"
        blocked.write_text("not a folder")
        unwritable = upgrade.upgrade(blocked / "backups")
        assert not unwritable.ok and "cannot write a backup" in unwritable.steps[-1][1]
        assert revision().startswith(BEFORE_SURVEYS)  # not migrated


def test_after_a_failed_upgrade_the_backup_it_took_brings_everyone_back(kind, tmp_path, configure):
    with site(kind, tmp_path / "old", configure):
        factories.registrant("before@example.com")

        def broken_migration() -> None:
            with current_engine().begin() as conn:  # a release whose migration half ran
                conn.exec_driver_sql("UPDATE account SET password_hash = 'lost'")
            raise RuntimeError("migration 0020 failed half-way")

        failed = upgrade.upgrade(tmp_path / "backups", migrate=broken_migration)
        assert not failed.ok and "migration 0020 failed" in failed.steps[-1][1]
        assert f"portal restore {failed.archive} --force" in failed.way_back
        assert not signin.check_password("before@example.com", factories.PASSWORD, HERE).ok
        restore.restore(failed.archive, force=True)
        assert signin.check_password("before@example.com", factories.PASSWORD, HERE).ok


def test_the_command_says_what_to_do_when_it_cannot_finish(kind, tmp_path, configure, capsys):
    with site(kind, tmp_path / "old", configure) as old:
        worker = serving.mark_serving(old.data_dir)
        try:
            assert cli.main(["upgrade", str(tmp_path / "backups")]) == 1
        finally:
            os.close(worker)
        printed = capsys.readouterr()
        assert "FAIL" in printed.out and "upgrade not finished" in printed.err
