"""`portal audits draw`: a random audit of self-declared claims, from the command line.

Guarantees: the same draw as on `/admin/audits` (recorded, audited as the command line,
each drawn registrant mailed); `--dry-run` writes and mails nothing; a wrong rate,
category or date exits 1 with the reason and draws nothing.
"""

from __future__ import annotations

import argparse
import json
import sys

from portal.domain.core import typed_dates
from portal.domain.core.errors import FieldErrors
from portal.domain.points import audits
from portal.i18n import translate


def _draw(args) -> int:
    since = None
    if args.since:
        since = typed_dates.parse(args.since)
        if since is None:
            print(f"--since: {translate('record.date', 'en')}", file=sys.stderr)
            return 1
    try:
        drawn = audits.draw(None, args.percent, args.category, since, dry_run=args.dry_run)
    except FieldErrors as exc:
        for field, (key, params) in exc.fields.items():
            print(f"--{field}: {translate(key, 'en', **params)}", file=sys.stderr)
        return 1
    if args.json:
        print(
            json.dumps(
                {
                    "draw": drawn.draw_id,
                    "dry_run": args.dry_run,
                    "population": drawn.population,
                    "claims": list(drawn.claim_ids),
                    "due_on": drawn.due_on.isoformat(),
                }
            )
        )
        return 0
    claims = translate("count.claims", "en", count=len(drawn.claim_ids))
    if args.dry_run:
        print(f"Would draw {claims} of {drawn.population}: {list(drawn.claim_ids)}")
    else:
        print(
            f"Draw #{drawn.draw_id}: {claims} of {drawn.population} drawn, evidence due"
            f" {drawn.due_on.isoformat()}; the registrants were mailed."
        )
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add `audits draw` to the `portal` command."""
    audit = commands.add_parser("audits", help="random audits of self-declared claims")
    actions = audit.add_subparsers(dest="action", required=True)
    draw = actions.add_parser("draw", help="draw a random sample of self-declared claims")
    draw.add_argument("--percent", type=float, required=True, metavar="P", help="0 < P ≤ 100")
    draw.add_argument("--category", default="", metavar="C", help="one points category code")
    draw.add_argument("--since", default="", metavar="DATE", help="activities on or after")
    draw.add_argument("--dry-run", action="store_true", help="say what would be drawn")
    draw.add_argument("--json", action="store_true")
    draw.set_defaults(run=_draw)
