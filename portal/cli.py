"""The `portal` command: staff tasks run on the server.

portal migrate                      apply database migrations
portal create-staff --email E --role admin|reviewer --name N   (password prompted or on stdin)
portal create-organisation --name N --kind provider --email E [--language en|ja]
                                    create an organisation and invite its first user
portal seed-demo [--password P] [--if-empty]
portal deliver-mail                 deliver (or log) every due message once
portal doctor                       readiness and settings checks, OK/WARN/FAIL per line
portal backup DEST [--keep N]       write one archive (database, evidence, key) into DEST
portal restore SRC [--force] [--key-file K]   check an archive, restore it, migrate
portal upgrade BACKUP_DIR [--keep N]  after installing a release: back up, migrate, check
portal --version                    the installed release
portal unlock EMAIL                 clear an account's lockout
portal reset-second-factor EMAIL    remove a person's authenticator app and provider link
portal invite NUMBER                send (or resend) a record's activation invitation
portal activation-requests [--approve ID]
portal import-registrants FILE.csv [--dry-run] [--no-invite]
portal send-reminders [--dry-run] [--date D]   queue the renewal reminders due (D or today)
portal expire-records [--dry-run] [--date D]   expire records whose validity ended
portal daily [--date D]            expiry then reminders, once per day (what the app runs daily)
portal rules show [--json]          every renewal rule version, the one in force marked
portal rules import FILE.toml [--publish]   add a rule version (a draft unless --publish)
portal eligibility NUMBER [--json]  a registrant's rule set and each requirement met or not
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import logging
import os
import sys
from pathlib import Path

from portal import __version__, cli_audits, cli_rules, logs
from portal.domain import demo
from portal.domain.accounts import activation, factors, operations
from portal.domain.core import migrations
from portal.domain.core.clock import local, today
from portal.domain.core.errors import DomainError
from portal.domain.core.origin import SYSTEM
from portal.domain.organisations import directory
from portal.domain.organisations.tables import OrganisationKind
from portal.domain.registrants import registry_import
from portal.domain.renewal import daily, expiry, reminders
from portal.domain.rules import versions
from portal.i18n import translate
from portal.mail import delivery
from portal.operations import backup, doctor, restore, upgrade
from portal.operations.archive import ArchiveError
from portal.settings import SettingsError, get_settings


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Repeat the password: ") != first:
            raise SystemExit("The passwords differ.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _migrate(_args) -> int:
    migrations.upgrade()
    print("Database is up to date.")
    return 0


def _create_staff(args) -> int:
    account_id = operations.create_staff(
        args.email, _read_password(), args.role, args.name, args.language
    )
    print(f"Created {args.role} {args.email} (account {account_id}).")
    return 0


def _create_organisation(args) -> int:
    organisation_id = directory.create(
        None,
        args.name,
        args.kind,
        args.email,
        first_user=(args.email, args.user_name or args.name, args.language),
    )
    print(
        f"Created organisation {args.name} (id {organisation_id}); "
        f"an invitation was queued for {args.email}."
    )
    return 0


def _seed_demo(args) -> int:
    password = args.password or get_settings().demo_password
    try:
        used = demo.seed(password)
    except DomainError as exc:
        if exc.key == "demo.not_empty" and args.if_empty:
            print("Demo data not added: the database already has accounts.")
            return 0
        raise
    print("Demo data added. Every demo account uses the password:")
    print(f"    {used}")
    print("Staff: admin@example.com, reviewer@example.com")
    print("Registrants: registrant1@example.com ... registrant8@example.com")
    print("Training provider: provider@example.com")
    return 0


def _doctor(_args) -> int:
    lines = doctor.examine()
    for line in lines:
        print(f"{line.level:<4}  {line.name:<16}  {line.detail}")
    return 1 if any(line.level == "FAIL" for line in lines) else 0


def _backup(args) -> int:
    try:
        made = backup.create(Path(args.dest), keep=args.keep)
    except ArchiveError as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {made.path} ({made.size:,} bytes)")
    print(f"  {sum(made.counts.values()):,} rows in {len(made.counts)} tables")
    for stored in made.missing:
        print(f"  WARNING: evidence file {stored} is named in the database but missing")
    for path in made.removed:
        print(f"  removed {path.name}")
    return 0


def _restore(args) -> int:
    logging.getLogger("alembic").setLevel(logging.WARNING)  # this command reports "migrated"
    try:
        key_file = Path(args.key_file) if args.key_file else None
        done = restore.restore(Path(args.src), force=args.force, key_file=key_file)
    except ArchiveError as exc:
        print(f"restore refused: {exc}", file=sys.stderr)
        return 1
    manifest = done.manifest
    files = sum(name.startswith("evidence/") for name in manifest["files"])
    print(
        f"restored the backup of {manifest['created_at']} (portal {manifest['portal_version']}, "
        f"schema {manifest['schema_revision']}): "
        f"{sum(done.counts.values()):,} rows, {files} evidence files; migrated"
    )
    if done.secret_key_from_environment:
        print("  note: PORTAL_SECRET_KEY is set and overrides the restored secret_key file")
    return 0


def _upgrade(args) -> int:
    logging.getLogger("alembic").setLevel(logging.WARNING)  # this command reports the schema
    done = upgrade.upgrade(Path(args.backup_dir), keep=args.keep)
    for level, text in done.steps:
        print(f"{level:<4}  {text}")
    if not done.ok:
        print(f"upgrade not finished: {done.way_back}", file=sys.stderr)
        return 1
    return 0


def _deliver_mail(_args) -> int:
    report = delivery.deliver_due(limit=10_000)
    print(
        f"sent {report.sent}, logged {report.logged}, "
        f"will retry {report.retrying}, failed {report.failed}"
    )
    return 0


def _day(args) -> dt.date:
    return dt.date.fromisoformat(args.date) if args.date else today()


def _count(noun: str, number: int) -> str:
    """ "1 record", "2 records": the catalogue's plural forms, in English like all CLI output."""
    return translate(f"count.{noun}", "en", count=number)


def _send_reminders(args) -> int:
    day = _day(args)
    planned = reminders.plan(day)
    if args.dry_run:
        for p in planned:
            missing = "; ".join(p.missing) or "nothing missing"
            print(f"{p.email}\t{p.stage}\tends {p.cycle_end}\t{missing}")
        print(
            f"{_count('reminders', len(planned))} would be sent for {day} (dry run, nothing queued)"
        )
        return 0
    sent = reminders.send(planned)
    print(
        f"{_count('reminders', sent)} queued for {day}; `portal deliver-mail` or the app sends them"
    )
    return 0


def _daily(args) -> int:
    day = _day(args)
    summary = daily.run_once(day)
    if summary is None:
        print(f"The jobs of {day} have already run; nothing done.")
    else:
        print(
            f"{day}: {_count('records', summary['expired'])} expired, "
            f"{_count('reminders', summary['reminders'])} queued"
        )
    return 0


def _expire_records(args) -> int:
    day = _day(args)
    expired = expiry.expire_records(day, versions.book(), dry_run=args.dry_run)
    verb = "would expire" if args.dry_run else "expired"
    print(f"{_count('records', len(expired))} {verb} on {day}")
    return 0


def _unlock(args) -> int:
    if operations.unlock(args.email, SYSTEM):
        print(f"Unlocked {args.email}.")
        return 0
    print(f"No account with the address {args.email}.", file=sys.stderr)
    return 1


def _reset_second_factor(args) -> int:
    """DomainError (no such account) is printed by main() and exits 1."""
    factors.reset_second_factor(None, args.email)
    print(
        f"Removed the authenticator app and provider link of {args.email}, ended its sessions "
        "and mailed the owner."
    )
    return 0


def _invite(args) -> int:
    address = activation.invite(args.registration_number, SYSTEM)
    print(
        f"Invitation sent to {address}; the code works for {get_settings().links.invitation_days} days."
    )
    return 0


def _activation_requests(args) -> int:
    if args.approve is not None:
        address = activation.approve_request(args.approve, SYSTEM)
        print(f"Approved: the registry now holds {address} and the invitation went there.")
        return 0
    pending = activation.pending_requests()
    if not pending:
        print("No activation requests are waiting.")
    for req in pending:
        print(
            f"#{req.id}  {local(req.created_at):%Y-%m-%d %H:%M}  {req.registration_number}  {req.name}  "
            f"registry: {req.registry_email or '-'}  asked for: {req.requested_email}"
        )
    return 0


def _problem_lines(plan: registry_import.ImportPlan, lang: str) -> list[str]:
    if plan.file_problem is not None:
        key, params = plan.file_problem
        return [translate(key, lang, **params)]
    return [
        f"line {p.line} {p.number} {p.column}: {translate(p.key, lang, **p.params)}"
        for p in plan.problems
    ]


def _import_registrants(args) -> int:
    lang = get_settings().language
    with open(args.file, "rb") as handle:
        data = handle.read()
    plan = registry_import.plan(data, None)
    print(
        f"rows {plan.rows}: new {len(plan.new)}, changed {len(plan.changed)}, "
        f"unchanged {plan.unchanged}, with errors {plan.rows_with_problems}; "
        f"invitations {plan.invitations if not args.no_invite else 0}"
    )
    for change in plan.changed[: args.show]:
        diffs = "; ".join(f"{c.field}: {c.old!r} -> {c.new!r}" for c in change.changes)
        print(f"line {change.line} {change.number} {change.name}: {diffs}")
    if not plan.ok:
        for line in _problem_lines(plan, lang):
            print(line, file=sys.stderr)
        print(translate("import.has_errors", lang), file=sys.stderr)
        return 1
    if args.dry_run:
        print("dry run: nothing was written")
        return 0

    def bar(done: int, total: int) -> None:
        filled = 30 * done // max(total, 1)
        print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total}", end="", file=sys.stderr)

    result = registry_import.apply(
        data,
        None,
        reason=f"import {os.path.basename(args.file)}",
        source=os.path.basename(args.file),
        invite=not args.no_invite,
        progress=bar,
    )
    print(file=sys.stderr)
    print(
        f"imported: created {result.created}, updated {result.updated}, "
        f"unchanged {result.unchanged}, invited {result.invited}"
    )
    return 0


def _positive(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"a whole number of at least 1, not {raw!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="portal", description="Registrant Portal staff tasks.")
    parser.add_argument("--version", action="version", version=f"portal {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply database migrations").set_defaults(run=_migrate)
    staff = commands.add_parser("create-staff", help="create a staff account (first admin)")
    staff.add_argument("--email", required=True)
    staff.add_argument("--role", choices=["admin", "reviewer"], default="admin")
    staff.add_argument("--name", required=True, help="name shown in the audit log")
    staff.add_argument("--language", choices=["en", "ja"], default="en")
    staff.set_defaults(run=_create_staff)
    org = commands.add_parser(
        "create-organisation", help="create an organisation and invite its first user"
    )
    org.add_argument("--name", required=True)
    org.add_argument("--kind", choices=[k.value for k in OrganisationKind], default="provider")
    org.add_argument("--email", required=True, help="the first user's (and contact) address")
    org.add_argument("--user-name", help="the first user's name (default: the organisation's)")
    org.add_argument("--language", choices=["en", "ja"], default="en")
    org.set_defaults(run=_create_organisation)
    seed = commands.add_parser("seed-demo", help="add demo staff and registrants")
    seed.add_argument("--password", help="password for every demo account")
    seed.add_argument("--if-empty", action="store_true", help="do nothing when accounts exist")
    seed.set_defaults(run=_seed_demo)
    commands.add_parser(
        "doctor", help="check readiness and settings; exit 1 when anything fails"
    ).set_defaults(run=_doctor)
    save = commands.add_parser(
        "backup", help="write one archive of the database, evidence files and secret key"
    )
    save.add_argument("dest", help="folder for the archive (created if absent)")
    save.add_argument("--keep", type=_positive, help="then keep only the newest N archives")
    save.set_defaults(run=_backup)
    put = commands.add_parser("restore", help="check an archive and restore it, then migrate")
    put.add_argument("src", help="an archive written by portal backup")
    put.add_argument("--force", action="store_true", help="overwrite a non-empty target")
    put.add_argument(
        "--key-file",
        help="the secret_key of the portal that made the archive (when neither "
        "PORTAL_SECRET_KEY nor the target's data folder holds it)",
    )
    put.set_defaults(run=_restore)
    up = commands.add_parser(
        "upgrade",
        help="after installing a release: back up, migrate, check (stop the portal first)",
    )
    up.add_argument("backup_dir", help="folder for the backup taken first (created if absent)")
    up.add_argument("--keep", type=_positive, help="then keep only the newest N archives there")
    up.set_defaults(run=_upgrade)
    commands.add_parser("deliver-mail", help="deliver due mail once").set_defaults(
        run=_deliver_mail
    )
    day = commands.add_parser(
        "daily", help="the day's jobs (expiry, then reminders) unless already run that day"
    )
    day.add_argument("--date", help="act as on this day (YYYY-MM-DD); default today")
    day.set_defaults(run=_daily, dry_run=False)
    for name, run, text in (
        ("send-reminders", _send_reminders, "queue the renewal reminders due today"),
        ("expire-records", _expire_records, "expire records whose validity ended"),
    ):
        job = commands.add_parser(name, help=text)
        job.add_argument("--dry-run", action="store_true", help="list only, write nothing")
        job.add_argument("--date", help="act as on this day (YYYY-MM-DD); default today")
        job.set_defaults(run=run)
    unlock = commands.add_parser("unlock", help="clear an account's lockout")
    unlock.add_argument("email")
    unlock.set_defaults(run=_unlock)
    reset = commands.add_parser(
        "reset-second-factor",
        help="remove a person's authenticator app and provider link (a lost phone)",
    )
    reset.add_argument("email")
    reset.set_defaults(run=_reset_second_factor)
    invite = commands.add_parser("invite", help="send the activation invitation of a record")
    invite.add_argument("registration_number")
    invite.set_defaults(run=_invite)
    requests = commands.add_parser(
        "activation-requests", help="list or approve activation requests"
    )
    requests.add_argument("--approve", type=int, metavar="ID", help="approve request ID")
    requests.set_defaults(run=_activation_requests)
    load = commands.add_parser(
        "import-registrants", help="import the ledger CSV (all rows or none)"
    )
    load.add_argument("file", help="CSV in UTF-8 (with or without BOM) or Shift_JIS")
    load.add_argument("--dry-run", action="store_true", help="check and preview, write nothing")
    load.add_argument("--no-invite", action="store_true", help="do not invite new registrants")
    load.add_argument("--show", type=int, default=20, metavar="N", help="changed rows to list")
    load.set_defaults(run=_import_registrants)
    cli_rules.register(commands)
    cli_audits.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; a refusal prints its reason and exits 1, a bad setting exits 2."""
    logs.configure()
    args = build_parser().parse_args(argv)
    try:
        get_settings()
        return args.run(args)
    except SettingsError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    except DomainError as exc:
        print(translate(exc.key, "en", **exc.params), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
