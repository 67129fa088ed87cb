"""`portal backup` and `portal restore` on each database kind: a round trip that keeps every
row, evidence file and the secret key; pruning; and the archives a restore refuses."""

from __future__ import annotations

import io
import json
import os
import re
import tarfile
from pathlib import Path

import pytest

from portal import cli
from portal.domain.core import migrations
from portal.domain.core.db import current_engine
from portal.domain.points import claims, evidence
from portal.operations import backup, restore, serving
from portal.operations.archive import NAME, ArchiveError, signed
from portal.settings import get_settings
from tests.support.catalogue import PDF, activity
from tests.support.people import registrant_principal, staff_principal
from tests.support.sites import site


@pytest.fixture
def no_key_setting(monkeypatch):
    """The secret key lives in the data folder (the default), not in PORTAL_SECRET_KEY."""
    monkeypatch.delenv("PORTAL_SECRET_KEY")


def test_round_trip_keeps_rows_evidence_and_key(kind, tmp_path, configure, no_key_setting):
    with site(kind, tmp_path / "old", configure) as old:
        boss, _ = staff_principal("boss@example.com")
        me = registrant_principal("me@example.com")
        claim_id = claims.submit_catalogue(me, activity(boss))
        file_id = evidence.attach(me, claim_id, "certificate.pdf", PDF)
        key = get_settings().secret_key
        made = backup.create(tmp_path / "archives")
        assert made.missing == [] and made.counts["evidence_file"] == 1
        assert made.path.stat().st_mode & 0o077 == 0  # personal data: the owner's only
    with site(kind, tmp_path / "new", configure) as new:
        assert new.data_dir != old.data_dir
        with pytest.raises(ArchiveError, match="--key-file"):  # no key to check it against
            restore.restore(made.path)
        done = restore.restore(made.path, key_file=old.data_dir / "secret_key")
        assert done.counts == made.counts
        with current_engine().connect() as conn:
            assert migrations.revisions(conn) == (done.manifest["schema_revision"],) * 2
        configure()  # read the settings again: the key is the restored one
        assert get_settings().secret_key == key
        stored = evidence.read(me, file_id)  # the owner's session survives the move too
        assert (stored.name, stored.data) == ("certificate.pdf", PDF)


def test_refuses_a_non_empty_target_unless_forced(kind, tmp_path, configure):
    with site(kind, tmp_path / "one", configure):
        registrant_principal("me@example.com")
        made = backup.create(tmp_path / "archives")
        with pytest.raises(ArchiveError, match="not empty"):
            restore.restore(made.path)
        assert restore.restore(made.path, force=True).counts == made.counts


def test_refuses_while_a_portal_serves_from_the_data_folder(kind, tmp_path, configure):
    with site(kind, tmp_path / "one", configure) as one:
        registrant_principal("me@example.com")
        made = backup.create(tmp_path / "archives")
        worker = serving.mark_serving(one.data_dir)  # as each backend process does
        try:
            with pytest.raises(ArchiveError, match="serving from"):
                restore.restore(made.path, force=True)
        finally:
            os.close(worker)  # the process ended
        assert restore.restore(made.path, force=True).counts == made.counts


def rewrite(path: Path, change) -> Path:
    """A copy of the archive at `path` with `change(members)` applied to its members."""
    with tarfile.open(path, "r:gz") as archive:
        members = {m.name: archive.extractfile(m).read() for m in archive}
    change(members)
    copy = path.with_name("changed.tar.gz")
    with tarfile.open(copy, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return copy


def set_manifest(members: dict, sign: bool = True, **values) -> None:
    """Change the manifest; signed again with the tests' key unless `sign` is false (as
    someone without the key would have to leave it)."""
    manifest = json.loads(members["manifest.json"])
    manifest.update(values)
    if sign:
        manifest = signed(manifest, get_settings().secret_key)
    members["manifest.json"] = json.dumps(manifest).encode()


def tamper_with_database(members: dict) -> None:
    name = next(name for name in members if name.startswith("database."))
    members[name] = members[name][:-1] + bytes([members[name][-1] ^ 1])


def test_refuses_damaged_foreign_and_newer_archives(kind, tmp_path, configure):
    with site(kind, tmp_path / "one", configure) as one:
        made = backup.create(tmp_path / "archives")
    other = "postgresql" if kind == "sqlite" else "sqlite"
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(made.path.read_bytes()[: made.size // 2])
    refusals = {
        "damaged or not a portal backup": lambda: cut,
        "checksum mismatch": lambda: rewrite(made.path, tamper_with_database),
        "do not match its manifest": lambda: rewrite(
            made.path, lambda m: m.update({"evidence/extra.pdf": PDF})
        ),
        "unexpected member": lambda: rewrite(made.path, lambda m: m.update({"../outside": b"x"})),
        "not signed with the key": lambda: rewrite(
            made.path, lambda m: set_manifest(m, sign=False, counts={"account": 1})
        ),
        "newer than this portal": lambda: rewrite(
            made.path, lambda m: set_manifest(m, schema_revision="9999")
        ),
        f"holds a {other} database": lambda: rewrite(
            made.path, lambda m: set_manifest(m, database=other)
        ),
    }
    with site(kind, tmp_path / "two", configure) as two:
        for reason, make in refusals.items():
            with pytest.raises(ArchiveError, match=reason):
                restore.restore(make())
        assert not (two.data_dir / "evidence").exists()
        assert not (tmp_path / "outside").exists()
    assert one.url != two.url


def test_cli_backup_prunes_and_restore_reports(tmp_path, configure, capsys):
    with site("sqlite", tmp_path / "one", configure):
        registrant_principal("me@example.com")
        folder = tmp_path / "archives"
        (folder / "notes.txt").parent.mkdir()
        (folder / "notes.txt").write_text("not an archive: never removed")
        for _ in range(3):
            assert cli.main(["backup", str(folder), "--keep", "2"]) == 0
        out = capsys.readouterr().out
        written = re.findall(r"wrote .*/(portal-backup-\S+)", out)
        assert len(written) == 3 and all(NAME.match(name) for name in written)
        assert sorted(p.name for p in folder.iterdir()) == sorted(["notes.txt", *written[1:]])
        assert f"removed {written[0]}" in out
        assert cli.main(["restore", str(folder / written[2])]) == 1
        assert "restore refused: the target is not empty" in capsys.readouterr().err
        with pytest.raises(SystemExit) as usage:
            cli.main(["backup", str(folder), "--keep", "0"])
        assert usage.value.code == 2
        assert "--keep: a whole number of at least 1, not '0'" in capsys.readouterr().err


def test_a_refused_restore_leaves_an_empty_target_as_it_was(
    tmp_path, configure, capsys, no_key_setting
):
    """Nothing is created in a data folder a restore refuses: no secret key, no lock file,
    not the folder itself; the refusal is the only thing printed."""
    with site("sqlite", tmp_path / "one", configure):
        made = backup.create(tmp_path / "archives")
    capsys.readouterr()
    for target in (tmp_path / "absent", tmp_path / "empty"):
        if target.name == "empty":
            target.mkdir()
        configure(PORTAL_DATA_DIR=str(target), PORTAL_DB_URL="postgresql+psycopg://x@127.0.0.1/x")
        assert cli.main(["restore", str(made.path)]) == 1
        printed = capsys.readouterr()
        assert printed.out == ""
        [refusal] = printed.err.splitlines()
        assert refusal.startswith("restore refused: ")
        assert (list(target.iterdir()) == []) if target.name == "empty" else not target.exists()
