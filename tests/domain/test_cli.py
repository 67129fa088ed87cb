import datetime as dt
import io
import json

from sqlmodel import select

from portal import cli
from portal.domain.accounts import signin
from portal.domain.accounts.tables import Account
from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.points import catalogue, claims
from portal.domain.registry.tables import RegistryRecord
from tests import factories
from tests.domain.renewal.renewal_people import record_of, renewing
from tests.factories import ledger_csv as csv_text
from tests.factories import ledger_row as row
from tests.support.catalogue import activity
from tests.support.people import HERE, registrant_principal, staff_principal


def run(monkeypatch, *argv, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.main(list(argv))


def test_create_staff_reads_the_password_from_stdin(db, monkeypatch, capsys):
    code = run(
        monkeypatch,
        "create-staff",
        "--email",
        "Chief@Example.com",
        "--role",
        "admin",
        "--name",
        "Chief",
        stdin="Calm-river-stone-8\n",
    )
    assert code == 0
    with transaction() as session:
        account = session.exec(select(Account)).one()
    assert account.email == "chief@example.com" and account.role == "admin"
    assert signin.check_password("chief@example.com", "Calm-river-stone-8", HERE).ok


def test_create_staff_refuses_a_weak_password(db, monkeypatch, capsys):
    code = run(
        monkeypatch,
        "create-staff",
        "--email",
        "weak@example.com",
        "--name",
        "W",
        stdin="password\n",
    )
    assert code == 1
    assert "Use at least 10 characters" in capsys.readouterr().err


def test_seed_demo_then_if_empty_is_a_no_op(db, monkeypatch, capsys):
    assert run(monkeypatch, "seed-demo", "--password", "Demo-pass-123!") == 0
    assert "Demo-pass-123!" in capsys.readouterr().out
    assert run(monkeypatch, "seed-demo", "--if-empty") == 0
    assert run(monkeypatch, "seed-demo") == 1
    with transaction() as session:
        assert (
            len(session.exec(select(Account)).all()) == 11
        )  # 2 staff, 8 registrants, 1 provider user


def test_unlock(db, monkeypatch, capsys):
    assert run(monkeypatch, "unlock", "nobody@example.com") == 1
    run(monkeypatch, "seed-demo", "--password", "Demo-pass-123!")
    assert run(monkeypatch, "unlock", "registrant4@example.com") == 0
    assert signin.check_password("registrant4@example.com", "Demo-pass-123!", HERE).ok


def test_import_registrants_dry_run_then_import_then_refuse_a_bad_file(
    db, monkeypatch, capsys, tmp_path
):
    good = tmp_path / "ledger.csv"
    good.write_bytes(csv_text(row("R0001", email="one@example.com"), row("R0002")).encode("cp932"))
    assert run(monkeypatch, "import-registrants", str(good), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "new 2" in out and "invitations 1" in out and "nothing was written" in out
    with transaction() as session:
        assert session.exec(select(RegistryRecord)).all() == []

    assert run(monkeypatch, "import-registrants", str(good)) == 0
    captured = capsys.readouterr()
    assert "created 2" in captured.out and "invited 1" in captured.out
    assert "2/2" in captured.err  # the progress bar

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_text(row("R0001", employer="Moved"), row("R0003", phone="x")).encode())
    assert run(monkeypatch, "import-registrants", str(bad)) == 1
    captured = capsys.readouterr()
    assert "line 3 R0003 phone: Use digits and hyphens only" in captured.err
    assert "changed 1" in captured.out and "'Example Care' -> 'Moved'" in captured.out
    with transaction() as session:
        assert (
            session.exec(
                select(RegistryRecord.employer).where(RegistryRecord.registration_number == "R0001")
            ).one()
            == "Example Care"
        )


def test_send_reminders_lists_first_then_queues_once(db, monkeypatch, capsys):
    renewing("soon@example.com", days_left=20, points=4)
    assert run(monkeypatch, "send-reminders", "--dry-run") == 0
    listed = capsys.readouterr().out
    assert "soon@example.com\tmonth_1" in listed and "4 of 5 points" in listed
    assert factories.outbox(template="renewal_reminder") == []
    assert run(monkeypatch, "send-reminders") == 0
    assert run(monkeypatch, "send-reminders") == 0
    out = capsys.readouterr().out
    assert "1 reminder queued" in out and "0 reminders queued" in out
    assert len(factories.outbox("soon@example.com", "renewal_reminder")) == 1


def test_expire_records_on_a_given_day(db, monkeypatch, capsys):
    me = renewing("me@example.com", days_left=10)
    day = (record_of(me).valid_until + dt.timedelta(days=1)).isoformat()
    assert run(monkeypatch, "expire-records", "--date", day, "--dry-run") == 0
    assert record_of(me).status == "active"
    assert run(monkeypatch, "expire-records", "--date", day) == 0
    assert "1 record expired" in capsys.readouterr().out
    assert record_of(me).status == "expired"


def test_daily_runs_expiry_and_reminders_once_a_day(db, monkeypatch, capsys):
    gone = renewing("gone@example.com", days_left=-1)
    renewing("soon@example.com", days_left=20, points=4)
    assert run(monkeypatch, "daily") == 0
    assert run(monkeypatch, "daily") == 0
    out = capsys.readouterr().out
    assert "1 record expired, 2 reminders queued" in out
    assert "already run; nothing done" in out
    assert record_of(gone).status == "expired"
    assert len(factories.outbox(template="renewal_reminder")) == 2


def test_create_organisation_invites_its_first_user_or_creates_nothing(db, monkeypatch, capsys):
    args = ["create-organisation", "--name", "Kyoto Courses", "--kind", "provider"]
    code = run(monkeypatch, *args, "--email", "Desk@Kyoto.example", "--language", "ja")
    assert code == 0 and "Kyoto Courses" in capsys.readouterr().out
    [mail] = factories.outbox("desk@kyoto.example", "organisation_invite")
    assert mail.language == "ja" and mail.params["organisation"] == "Kyoto Courses"
    with transaction() as session:
        user = session.exec(select(Account).where(Account.email == "desk@kyoto.example")).one()
    assert (user.kind, user.status) == ("organisation", "invited")
    # A second one with a bad address is refused with its reason, and nothing is created.
    code = run(monkeypatch, "create-organisation", "--name", "Nara", "--email", "nope")
    assert code == 1 and capsys.readouterr().err.strip()
    with transaction() as session:
        assert session.exec(select(Account).where(Account.kind == "organisation")).all() == [user]


RULES_TOML = """\
note = "Announced at the general meeting"
effective_from = {day}
points_required = 10

[categories.seminar]
minimum = 2
maximum = {maximum}

[registrant_categories.general]
points_required = 8
"""


def test_rules_import_names_each_wrong_line_and_saves_nothing(db, monkeypatch, capsys, tmp_path):
    renewing("someone@example.com")  # the points categories exist
    file = tmp_path / "rules.toml"
    soon = (today() + dt.timedelta(days=60)).isoformat()
    file.write_text(RULES_TOML.format(day=soon, maximum='"two"'), encoding="utf-8")
    assert run(monkeypatch, "rules", "import", str(file)) == 1
    err = capsys.readouterr().err
    assert f"{file}:7: categories.seminar.maximum: Enter a whole number from 0 to 1000." in err
    assert "minimum cannot be above" not in err and "Nothing was saved." in err
    file.write_text(RULES_TOML.format(day=soon, maximum=3), encoding="utf-8")
    assert run(monkeypatch, "rules", "import", str(file), "--publish") == 0
    assert run(monkeypatch, "rules", "show") == 0
    out = capsys.readouterr().out
    assert "Published #2." in out
    assert "#2  Rules for periods from" in out and "(published)" in out
    assert (
        "Of these, at least 2 from Seminar." in out and "General: at least 8 points in all." in out
    )
    assert "#1  The first rules" in out and "IN FORCE" in out
    assert run(monkeypatch, "rules", "show", "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert [(v["id"], v["points_required"]) for v in shown] == [(2, 10), (1, 5)]


def test_eligibility_answers_a_support_call(db, monkeypatch, capsys):
    me = renewing("caller@example.com", days_left=30, points=4)
    number = record_of(me).registration_number
    assert run(monkeypatch, "eligibility", number) == 0
    out = capsys.readouterr().out
    assert "Rule set #1: The first rules" in out
    assert "NOT MET  At least 5 points counted: 4 of 5 points counted; 1 to go" in out
    assert "Can apply: no (1 not met)" in out
    assert run(monkeypatch, "eligibility", number, "--json") == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["rule_set"] == 1 and answer["can_apply"] is False
    assert [r["code"] for r in answer["requirements"] if not r["met"]] == ["points"]
    assert run(monkeypatch, "eligibility", "NOPE") == 1
    assert "No registry record has the number NOPE." in capsys.readouterr().err


def test_audits_draw_from_the_command_line(db, monkeypatch, capsys):
    admin, _ = staff_principal("boss@example.com", "admin")
    with transaction() as session:
        catalogue.ensure_categories(session)
    seminar = activity(admin, days_ago=10)
    catalogue.set_review_mode(admin, "seminar", "self_declared")
    claim_id = claims.submit_catalogue(registrant_principal("me@example.com"), seminar)
    assert run(monkeypatch, "audits", "draw", "--percent", "10", "--dry-run") == 0
    assert capsys.readouterr().out.strip() == f"Would draw 1 claim of 1: [{claim_id}]"
    assert factories.outbox("me@example.com", "claim_audit") == []
    assert run(monkeypatch, "audits", "draw", "--percent", "0") == 1
    assert "--percent: Enter a rate above 0" in capsys.readouterr().err
    assert run(monkeypatch, "audits", "draw", "--percent", "5", "--since", "soon") == 1
    assert run(monkeypatch, "audits", "draw", "--percent", "10", "--json") == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["claims"] == [claim_id] and answer["population"] == 1
    assert len(factories.outbox("me@example.com", "claim_audit")) == 1
