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

from warroom.config import ConfigError, Settings, config_path, load_settings

if TYPE_CHECKING:
    from warroom.store.store import Store


class TailUsageError(Exception):
    """Bad input for `warroom tail`; shown as one line, exit status 2."""


def add_tail_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("sources", nargs="*", metavar="PATH_OR_GLOB", help="log files or globs")
    p.add_argument("--cmd", action="append", default=[], metavar="COMMAND",
                   help="a command whose output to follow (repeatable)")
    p.add_argument("--lines", type=int,
                   help="lines held in memory (default: the config's timeline.lines, 100,000)")
    p.add_argument("--poll", action="store_true",
                   help="poll files instead of waiting for change events (NFS)")


def run_tail(
    args: argparse.Namespace, settings: Settings, *, store: Store | None = None, actor: str = ""
) -> int:
    """Check the arguments and run the panel full screen."""
    if not args.sources and not args.cmd:
        raise TailUsageError("give at least one log file, glob or --cmd COMMAND to follow")
    if args.lines is not None and args.lines < 100:
        raise TailUsageError("--lines must be at least 100")
    keymap = checked_keymap(settings)
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise TailUsageError("warroom tail needs a terminal; for a pipe use `tail -F`")
    from warroom.ui.tail_app import TailApp

    TailApp(
        [str(Path(p).expanduser()) for p in args.sources], args.cmd, store=store,
        incident_id=getattr(args, "incident", None), actor=actor,
        buffer_size=args.lines or settings.timeline.lines,
        force_polling=args.poll or settings.timeline.poll, settings=settings, keymap=keymap,
    ).run()
    return 0


def checked_keymap(settings: Settings) -> dict[str, str]:
    """The config's theme and keys, checked before the screen starts; returns the keymap.

    Textual ignores a theme or binding id it does not know without a word;
    here it is one line naming the setting.
    """
    if settings.theme is None and not settings.keys:
        return {}  # nothing to check: the screens' modules stay unimported until needed
    from warroom.ui.look import check_look

    try:
        return check_look(settings)
    except ValueError as exc:
        raise ConfigError(f"config file {config_path()}: {exc}") from None


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def main(argv: Sequence[str]) -> int:
    """`warroom tail ...` without an incident: no database is opened."""
    parser = _Parser(prog="warroom tail", description="Follow logs full screen.")
    add_tail_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run_tail(args, load_settings())
    except (TailUsageError, ConfigError) as exc:
        print(f"warroom: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
