"""The full-screen commands: open an incident's war room, and the demo."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from warroom.cli.common import (
    Subparsers,
    UsageError,
    actor,
    checked_zone,
    incident_id,
    with_display_tz,
)

if TYPE_CHECKING:
    from warroom.store.store import Store


def add_parsers(sub: Subparsers) -> None:
    p = sub.add_parser("open", help="open an incident in the full-screen war room")
    p.set_defaults(run=cmd_open)
    p.add_argument("id", type=incident_id)
    p.add_argument(
        "--log",
        action="append",
        default=[],
        metavar="PATH_OR_GLOB",
        help="a log file or glob to follow, FILE@Europe/Berlin for the zone of its stamps "
        "(default this machine's; repeatable; remembered)",
    )
    p.add_argument(
        "--cmd",
        action="append",
        default=[],
        metavar="COMMAND",
        help="a command whose output to follow, e.g. 'journalctl -f' (repeatable)",
    )
    p.add_argument("--tz", metavar="ZONE",
                   help="show times in this zone (default: the config's display_tz, UTC)")
    p.add_argument(
        "--enable-source",
        action="append",
        type=int,
        default=[],
        metavar="N",
        help="turn on log source N (`warroom status ID` numbers them); an imported incident's "
        "sources are off until someone turns them on (repeatable)",
    )

    p = sub.add_parser(
        "demo",
        help="start a demo incident (a simulated outage) and open it, in a database of its own",
    )
    p.set_defaults(run=cmd_demo)
    p.add_argument("--speed", type=float, default=1.0, help="how fast the outage unfolds")
    p.add_argument(
        "--db", dest="demo_db", type=Path,
        help="the database to put the demo in (default: demo.db in the user cache dir; "
        "WARROOM_DB and the config's database are not used)",
    )


def demo_db_path(args: argparse.Namespace) -> Path:
    """Where the demo lives: only a --db on its own command line puts it anywhere else.

    A demo incident in the team's real database would sit among real incidents
    (and in their exports), so WARROOM_DB and the config file do not apply.
    """
    chosen = getattr(args, "demo_db", None) or args.db
    if chosen is not None:
        return chosen
    import platformdirs

    cache = Path(platformdirs.user_cache_dir("warroom", appauthor=False))
    cache.mkdir(parents=True, exist_ok=True)  # its own place: made on first use
    return cache / "demo.db"


def need_terminal() -> None:
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise UsageError(
            "the war room needs a terminal; for scripts use the subcommands (warroom --help)"
        )


def run_app(store: Store, args: argparse.Namespace, incident_id: int | None) -> int:
    need_terminal()
    from warroom.ui.app import WarroomApp

    app = WarroomApp(store, actor=actor(args.settings), incident_id=incident_id,
                     settings=args.settings, keymap=args.keymap)
    app.run()
    return app.return_code or 0  # not 0 when typing is only in a recovery copy, or after a bug


def cmd_picker(store: Store, args: argparse.Namespace) -> int:
    """`warroom` alone: the incident picker."""
    return run_app(store, args, None)


def cmd_open(store: Store, args: argparse.Namespace) -> int:
    store.incident(args.id)
    count = len(store.log_sources(args.id))
    for number in args.enable_source:
        if not 1 <= number <= count:
            raise UsageError(
                f"incident #{args.id} has no log source {number} "
                f"({f'its sources are 1 to {count}' if count else 'it has none'}; "
                f"`warroom status {args.id}` lists them)"
            )
    args.settings = with_display_tz(args.settings, args.tz)
    for spec in args.log:
        checked_zone(spec)
    need_terminal()  # before anything is written: nothing changes unless the room opens
    for number in args.enable_source:
        store.enable_log_source(args.id, number, actor=actor(args.settings))
    for spec in args.log:
        kind = "glob" if any(ch in spec for ch in "*?[") else "file"
        path = spec if kind == "glob" else str(Path(spec).expanduser().absolute())
        store.add_log_source(args.id, kind, path)
    for command in args.cmd:
        store.add_log_source(args.id, "cmd", command)
    return run_app(store, args, args.id)


def cmd_demo(store: Store, args: argparse.Namespace) -> int:
    from warroom.demo import DemoWriter, create_demo_incident

    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise UsageError("the demo needs a terminal; run it in a terminal window")
    incident_id = create_demo_incident(store, actor=actor(args.settings))
    writer = DemoWriter(speed=args.speed).start()
    try:
        for path in writer.paths.values():
            store.add_log_source(incident_id, "file", str(path))
        return run_app(store, args, incident_id)
    finally:
        writer.stop()
