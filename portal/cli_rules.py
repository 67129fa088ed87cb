"""`portal rules show|import` and `portal eligibility`: the renewal rules for operators and
support staff on the phone.

Guarantees: `rules import` saves nothing from a file with any wrong value, and names each
one by its line and field; `--publish` publishes only what the secretariat could publish
on `/admin/rules` (a date today or later, no clash); `eligibility` shows exactly what the
registrant's dashboard shows, under the registrant's own rule set.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path

from portal.domain.core.errors import DomainError, FieldErrors
from portal.domain.renewal import requirement_text, staff_view
from portal.domain.rules import versions, wording
from portal.domain.rules.rule_set import to_document
from portal.i18n import translate


def line_of(text: str, path: str) -> int | None:
    """The line of a TOML text where the value at a document path (`categories.seminar.
    minimum`) is written: its key under its table's header, or the header itself."""
    *table, key = path.split(".")
    header = ".".join(table)
    current = ""
    fallback = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("["):
            current = line.strip("[] ")
            if current == path:
                fallback = number
            continue
        name = line.split("=", 1)[0].strip().strip('"')
        if "=" in line and current == header and name == key:
            return number
        if "=" in line and current == ".".join(table[:-1]) and table and name == table[-1]:
            fallback = fallback or number  # an inline table: `seminar = { minimum = 3 }`
    return fallback


def _show(args) -> int:
    listed = versions.listing(None)
    categories, kinds = versions.names("en")
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": v.version.id,
                        "status": v.status,
                        "in_force": v.in_force,
                        "locked": v.locked,
                        "note": v.note,
                        **to_document(v.version),
                    }
                    for v in listed
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    earliest = min((v.version.effective_from for v in listed if v.version.published), default=None)
    for v in listed:
        marks = [v.status] + (["IN FORCE"] if v.in_force else [])
        first = v.version.published and v.version.effective_from == earliest
        heading = wording.title(v.version.effective_from, first, "en")
        print(f"#{v.version.id}  {heading}  ({', '.join(marks)})")
        for sentence in wording.sentences(v.version, categories, kinds, "en"):
            print(f"    {sentence}")
    return 0


def _import(args) -> int:
    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8")
        document = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 1
    note = document.pop("note", "")
    try:
        version_id = versions.save_draft(None, document, str(note))
    except FieldErrors as exc:
        for field, (key, params) in exc.fields.items():
            line = line_of(text, field)
            where = f"{path}:{line}" if line else str(path)
            print(f"{where}: {field}: {translate(key, 'en', **params)}", file=sys.stderr)
        print("Nothing was saved.", file=sys.stderr)
        return 1
    if not args.publish:
        print(f"Saved as draft #{version_id}; publish it on /admin/rules or with --publish.")
        return 0
    try:
        versions.publish(None, version_id)
    except DomainError as exc:
        print(f"Saved as draft #{version_id}, not published: {translate(exc.key, 'en')}")
        return 1
    print(f"Published #{version_id}.")
    return 0


def _eligibility(args) -> int:
    found = staff_view.of_record(None, number=args.number)
    if found is None:
        print(f"No registry record has the number {args.number}.", file=sys.stderr)
        return 1
    result = found.eligibility
    rules = result.rules
    texts = requirement_text.for_eligibility(result, "en")
    if args.json:
        print(
            json.dumps(
                {
                    "number": found.number,
                    "name": found.name,
                    "category": found.category,
                    "valid_from": str(found.valid_from or ""),
                    "valid_until": str(found.valid_until or ""),
                    "rule_set": rules.rule_set_id if rules else None,
                    "rules_from": str(rules.effective_from or "") if rules else "",
                    "can_apply": result.can_apply,
                    "requirements": [
                        {"code": r.code, "met": r.met, "title": t.title, "fact": t.fact}
                        for r, t in zip(result.requirements, texts, strict=True)
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(f"{found.number}  {found.name}  ({found.category})")
    print(f"Valid {found.valid_from or '—'} to {found.valid_until or '—'}")
    if rules is not None:
        heading = wording.title(rules.effective_from, rules.earliest, "en")
        print(f"Rule set #{rules.rule_set_id}: {heading}")
    for text in texts:
        print(f"  {'met    ' if text.met else 'NOT MET'}  {text.title}: {text.fact}")
    missing = sum(1 for t in texts if not t.met)
    print("Can apply: yes" if not missing else f"Can apply: no ({missing} not met)")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add `rules` and `eligibility` to the `portal` command."""
    rules = commands.add_parser("rules", help="the renewal rule versions")
    actions = rules.add_subparsers(dest="action", required=True)
    show = actions.add_parser("show", help="every version, the one in force marked")
    show.add_argument("--json", action="store_true", help="the documents as JSON")
    show.set_defaults(run=_show)
    load = actions.add_parser("import", help="add a version from a TOML file (a draft)")
    load.add_argument("file", help="a TOML file (README, Command line, shows its fields)")
    load.add_argument("--publish", action="store_true", help="publish it at once")
    load.set_defaults(run=_import)
    check = commands.add_parser(
        "eligibility", help="a registrant's rule set and each requirement met or not"
    )
    check.add_argument("number", help="the registration number")
    check.add_argument("--json", action="store_true")
    check.set_defaults(run=_eligibility)
