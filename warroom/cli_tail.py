"""`warroom tail`: its arguments, and a start that loads no more than the log panel needs.

Opening a log must be fast, so `warroom tail FILE` (without --incident) comes
here straight from warroom.entry, without importing the store and the models.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from warroom.store.store import Store


class TailUsageError(Exception):
    """Bad input for `warroom tail`; shown as one line, exit status 2."""


def add_tail_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("sources", nargs="*", metavar="PATH_OR_GLOB", help="log files or globs")
    p.add_argument("--cmd", action="append", default=[], metavar="COMMAND",
                   help="a command whose output to follow (repeatable)")
    p.add_argument("--lines", type=int, default=100_000, help="lines held in memory")
    p.add_argument("--poll", action="store_true",
                   help="poll files instead of waiting for change events (NFS)")


def run_tail(
    args: argparse.Namespace, *, store: Store | None = None, actor: str = ""
) -> int:
    """Check the arguments and run the panel full screen."""
    if not args.sources and not args.cmd:
        raise TailUsageError("give at least one log file, glob or --cmd COMMAND to follow")
    if args.lines < 100:
        raise TailUsageError("--lines must be at least 100")
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise TailUsageError("warroom tail needs a terminal; for a pipe use `tail -F`")
    from warroom.ui.tail_app import TailApp

    TailApp(
        [str(Path(p).expanduser()) for p in args.sources], args.cmd, store=store,
        incident_id=getattr(args, "incident", None), actor=actor, buffer_size=args.lines,
        force_polling=args.poll,
    ).run()
    return 0


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def main(argv: Sequence[str]) -> int:
    """`warroom tail ...` without an incident: no database is opened."""
    parser = _Parser(prog="warroom tail", description="Follow logs full screen.")
    add_tail_arguments(parser)
    try:
        return run_tail(parser.parse_args(argv))
    except TailUsageError as exc:
        print(f"warroom: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
