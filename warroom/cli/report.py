"""`warroom report`: the review across incidents, printed, as JSON, or written to a file.

Registering the command costs nothing: the store's review queries, the figures
and the renderers are imported when the command runs, so other commands start
as fast without it.
"""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from warroom.cli.common import Subparsers, UsageError, severity

if TYPE_CHECKING:
    from warroom.core.review import Scope
    from warroom.store.store import Store

_RELATIVE = re.compile(r"^(\d{1,5})\s*([dwm])$", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def add_parsers(sub: Subparsers) -> None:
    p = sub.add_parser(
        "report",
        help="the review across incidents: TTD/TTA/TTM/TTR, severities, gates, updates, "
        "action items, recurring services and root causes",
    )
    p.set_defaults(run=cmd_report)
    p.add_argument(
        "--since", default="90d", metavar="DATE|90d",
        help="incidents detected from this date or time, or this long ago (30d, 12w, 6m), "
        "or 'all' (default: 90d)",
    )
    p.add_argument(
        "--until", metavar="DATE",
        help="incidents detected up to this date (the whole day) or time (default: now)",
    )
    p.add_argument("--severity", type=severity, metavar="S", help="critical, major or minor")
    p.add_argument("--service", metavar="NAME",
                   help="only incidents whose INC-1 names this service (any case)")
    p.add_argument("--by", choices=("week", "month"),
                   help="group by week or month (default: weeks up to a quarter, else months)")
    p.add_argument("--json", action="store_true",
                   help="every figure with its definition's name; durations in seconds")
    p.add_argument("-o", "--output", type=Path, metavar="FILE.html|FILE.md",
                   help="write the report as a standalone HTML page (charts) or Markdown")


def _when(text: str, now: datetime, *, end: bool) -> datetime:
    """A --since/--until value: a date (the day's start, or the next day's for --until),
    an ISO time, or a span back from now (30d, 12w, 6m: months of 30 days)."""
    raw = text.strip()
    if match := _RELATIVE.match(raw):
        days = int(match[1]) * {"d": 1, "w": 7, "m": 30}[match[2].lower()]
        return now - timedelta(days=days)
    if _DATE.match(raw):
        try:
            day = datetime.fromisoformat(raw).replace(tzinfo=UTC)
        except ValueError:
            raise UsageError(f"{raw!r} is not a date; use e.g. 2026-11-27") from None
        return day + timedelta(days=1) if end else day
    from warroom.clock import parse_when

    try:
        return parse_when(raw)
    except ValueError:
        raise UsageError(
            f"{'--until' if end else '--since'} {raw!r} is not a date (2026-11-27), a time "
            "(2026-11-27T14:00Z) or a span back from now (90d, 12w, 6m)"
        ) from None


def scope_from(args: argparse.Namespace, now: datetime) -> Scope:
    from warroom.core.review import Scope

    since = None if args.since.strip().lower() == "all" else _when(args.since, now, end=False)
    until = _when(args.until, now, end=True) if args.until else None
    if since is not None and until is not None and since >= until:
        raise UsageError("--since must come before --until")
    return Scope(since=since, until=until,
                 severity=args.severity.value if args.severity else None,
                 service=args.service.strip() if args.service else None)


def cmd_report(store: Store, args: argparse.Namespace) -> int:
    import json
    import sys

    from warroom.export.review import review_html, review_markdown
    from warroom.store import review as store_review
    from warroom.timeline.sanitize import json_safe, sanitize

    output: Path | None = args.output
    suffix = output.suffix.lower() if output else ""
    if output is not None and suffix not in (".html", ".htm", ".md", ".markdown"):
        raise UsageError(f"-o {output}: name a .html or .md file (the format follows the name)")
    if output is not None and args.json:
        raise UsageError("--json prints to stdout; leave out -o (or -o without --json)")
    scope = scope_from(args, store.clock.now())
    result, unreadable = store_review.build(store, scope, grain=args.by)
    if unreadable:
        print(f"warroom: {unreadable} unreadable incident(s) left out (`warroom list` names them)",
              file=sys.stderr)
    if args.json:
        print(json_safe(json.dumps(result.as_json(), indent=2, ensure_ascii=False)))
        return 0
    if output is None:
        print(sanitize(review_markdown(result), multiline=True), end="")
        return 0
    from warroom.export.files import touch_private, write_private

    document = review_html(result) if suffix in (".html", ".htm") else review_markdown(result)
    try:
        touch_private(output)
        write_private(output, document)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror}") from None
    print(f"wrote {sanitize(str(output))} ({result.incidents} incidents)", file=sys.stderr)
    return 0
