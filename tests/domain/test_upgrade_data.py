"""Every earlier database comes through an upgrade with its data: for each fixture under
tests/upgrades (a revision a release could have left behind, its rows written through that
revision's schema), load it at its revision, upgrade to head, and check that no row of it
was lost or changed, that a person made before still signs in, and that each registrant's
eligibility reads as the fixture says."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlmodel import Session, select

from portal.domain.accounts import signin
from portal.domain.core import clock, migrations
from portal.domain.core.db import current_engine
from portal.domain.registry.tables import RegistryRecord
from portal.domain.renewal import eligibility_batch
from portal.domain.rules import versions
from tests.support.people import HERE
from tests.support.sites import site
from tests.upgrades import rows

FIXTURES = sorted(rows.FIXTURES.glob("r*.sql"))


def header(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("-- ") and ": " in line:
            key, _, value = line[3:].partition(": ")
            found[key] = value
    return found


def test_the_fixtures_cover_the_revisions_releases_left_behind():
    revisions = [header(path)["revision"] for path in FIXTURES]
    # before organisations, before communications, before surveys, and the last release
    assert {"0010", "0014", "0016", "0019"} <= set(revisions)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda path: path.stem)
def test_an_upgrade_keeps_every_row_and_what_it_means(
    fixture, kind, tmp_path, configure, monkeypatch
):
    facts = header(fixture)
    day = dt.date.fromisoformat(facts["day"])
    noon = dt.datetime.combine(day, dt.time(3, 0), tzinfo=dt.UTC)  # midday in Tokyo
    monkeypatch.setattr(clock, "source", lambda: noon)
    with site(kind, tmp_path / "old", configure, revision=facts["revision"]):
        with current_engine().begin() as conn:
            schema = rows.tables(conn)
            rows.load(conn, fixture.read_text(encoding="utf-8"))
            before = rows.snapshot(conn, schema)
        assert sum(len(found) for found in before.values()) >= 70  # the fixture is there
        migrations.upgrade(current_engine().url.render_as_string(hide_password=False))
        with current_engine().connect() as conn:
            after = rows.snapshot(conn, schema)
        for table, found in before.items():
            for key, row in found.items():
                kept = {k: v for k, v in row.items() if (table, k) not in rows.MOVED}
                assert after[table].get(key) == kept, f"{table} {key} changed in the upgrade"
        first = versions.book().versions[0]  # rule set 1 holds the caps (migration 0020)
        for row in before.get("activity_category", {}).values():
            if "cap_points" in row:
                assert first.limit(row["code"]).maximum == row["cap_points"]
        assert signin.check_password(facts["signs in"], facts["password"], HERE).ok
        with Session(current_engine()) as db:
            numbers = dict(
                db.exec(select(RegistryRecord.id, RegistryRecord.registration_number)).all()
            )
        read = eligibility_batch.for_all(day, versions.book())
        assert {
            numbers[record_id]: {r.code: r.met for r in result.requirements}
            for record_id, result in read.items()
        } == json.loads(facts["eligibility"])
