"""`warroom verify ID`: is the incident's record what warroom wrote? Exit 0 yes, 3 no."""

from __future__ import annotations

import argparse
import json

from warroom.cli.common import EXIT_REFUSED, Subparsers, incident_id
from warroom.store.store import Store


def add_parsers(sub: Subparsers) -> None:
    p = sub.add_parser(
        "verify",
        help="check an incident's record: the audit hash chain, each pinned line read again from "
        "its log (or its rotated .1/.gz), each recorded command; exit 0 whole, 3 not",
    )
    p.set_defaults(run=cmd_verify)
    p.add_argument("id", type=incident_id)
    p.add_argument("--json", action="store_true")


def cmd_verify(store: Store, args: argparse.Namespace) -> int:
    from warroom.store import chain
    from warroom.store.verify import verify
    from warroom.timeline.sanitize import json_safe, sanitize

    report = verify(store, args.id)
    _, head = chain.head(store.db, args.id)
    if args.json:
        print(json_safe(json.dumps({
            "id": args.id,
            "whole": report.passed,
            "head": head,
            "checks": [
                {"name": r.name, "passed": r.passed, "summary": r.summary,
                 "problems": list(r.problems), "notes": list(r.notes)}
                for r in report.results
            ],
        }, indent=2, ensure_ascii=False)))
    else:
        for result in report.results:  # file names and entries are untrusted text
            print(sanitize(f"{result.name}: {result.summary}"))
            for line in result.notes or result.problems:
                print(sanitize(f"  {line}"))
        if report.passed:
            print(f"#{args.id} verified; chain head {head} (note it elsewhere to compare later)")
        else:
            failed = ", ".join(r.name for r in report.results if not r.passed)
            print(f"#{args.id} FAILED verification ({failed}): see above")
    return 0 if report.passed else EXIT_REFUSED
