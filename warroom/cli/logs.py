"""`warroom tail` and `warroom parse`: the log commands, loading no more than they need.

Opening a log must be fast, so `warroom tail FILE` (without --incident) comes
here straight from warroom.entry (`main_tail`), without the store and models.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from warroom.cli.common import (
    ArgParser,
    Subparsers,
    UsageError,
    actor,
    checked_keymap,
    checked_zone,
    db_path,
    incident_id,
    with_display_tz,
)
from warroom.config import MIN_LINES, ConfigError, Settings, load_settings

if TYPE_CHECKING:
    from warroom.store.store import Store


def add_tail_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("sources", nargs="*", metavar="PATH_OR_GLOB", help="log files or globs")
    p.add_argument("--cmd", action="append", default=[], metavar="COMMAND",
                   help="a command whose output to follow (repeatable)")
    p.add_argument("--lines", type=int,
                   help="lines held in memory (default: the config's timeline.lines, 100,000)")
    p.add_argument("--poll", action="store_true",
                   help="poll files instead of waiting for change events (NFS)")
    p.add_argument("--tz", metavar="ZONE",
                   help="show times in this zone (default: the config's display_tz, UTC)")


def add_parsers(sub: Subparsers) -> None:
    p = sub.add_parser("tail", help="follow logs full screen (the timeline panel alone)")
    p.set_defaults(run=cmd_tail)
    add_tail_arguments(p)
    p.add_argument("--incident", type=incident_id, help="pin lines into this incident")

    p = sub.add_parser("parse", help="print each log line's time and level as JSON lines")
    p.set_defaults(run=cmd_parse)
    p.add_argument("file", type=Path)
    p.add_argument("--year", type=int, help="year for timestamps that carry none")
    p.add_argument("--tz", metavar="ZONE",
                   help="the zone of stamps that carry none (Europe/Berlin, UTC, local); "
                   "without it they are printed naive")


def run_tail(
    args: argparse.Namespace, settings: Settings, *, store: Store | None = None, who: str = ""
) -> int:
    """Check the arguments and run the panel full screen."""
    if not args.sources and not args.cmd:
        raise UsageError("give at least one log file, glob or --cmd COMMAND to follow")
    if args.lines is not None and args.lines < MIN_LINES:
        raise UsageError(f"--lines must be at least {MIN_LINES}")
    settings = with_display_tz(settings, args.tz)
    for spec in args.sources:
        checked_zone(spec)
    keymap = checked_keymap(settings)
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise UsageError("warroom tail needs a terminal; for a pipe use `tail -F`")
    from warroom.ui.tail_app import TailApp

    app = TailApp(
        [str(Path(p).expanduser()) for p in args.sources], args.cmd, store=store,
        incident_id=getattr(args, "incident", None), actor=who,
        buffer_size=args.lines or settings.timeline.lines,
        force_polling=args.poll or settings.timeline.poll, settings=settings, keymap=keymap,
    )
    app.run()
    return app.return_code or 0


def cmd_tail(args: argparse.Namespace) -> int:
    settings = load_settings()
    if args.incident is None:
        return run_tail(args, settings)
    from warroom.store.store import Store

    with Store.open(db_path(args, settings), shared=args.shared) as store:
        store.incident(args.incident)
        return run_tail(args, settings, store=store, who=actor(settings))


def cmd_parse(args: argparse.Namespace) -> int:
    from warroom.timeline.parse import write_parse_json
    from warroom.timeline.zones import ZoneError, get_zone

    try:
        zone = get_zone(args.tz) if args.tz else None
    except ZoneError as exc:
        raise UsageError(str(exc)) from None
    try:
        write_parse_json(args.file, sys.stdout, year=args.year, zone=zone)
    except FileNotFoundError:
        raise UsageError(f"file {args.file} does not exist") from None
    except IsADirectoryError:
        raise UsageError(f"{args.file} is a directory; give a log file") from None
    except OSError as exc:
        raise UsageError(f"cannot read {args.file}: {exc.strerror}") from None
    return 0


def main_tail(argv: Sequence[str]) -> int:
    """`warroom tail ...` without an incident: no database is opened."""
    parser = ArgParser(prog="warroom tail", description="Follow logs full screen.")
    add_tail_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run_tail(args, load_settings())
    except (UsageError, ConfigError) as exc:
        print(f"warroom: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
