"""`warroom`: the parser put together from each group's subcommands, and the one-line errors."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from warroom.cli import (
    actions,
    artifacts,
    completion,
    config,
    export,
    incidents,
    logs,
    record,
    report,
    screens,
    verify,
)
from warroom.cli.common import (
    EXIT_REFUSED,
    EXIT_USAGE,
    ArgParser,
    UsageError,
    checked_keymap,
    db_path,
)
from warroom.config import ConfigError, load_settings
from warroom.timeline.sanitize import sanitize

GROUPS = (incidents, artifacts, export, actions, report, config, screens, logs, record,
          completion, verify)
# These open the store themselves, if at all (and config reads a file that may be broken).
STORELESS = ("parse", "config", "tail", "completion")
FULL_SCREEN = (None, "open", "demo")  # their theme and keys are checked before anything is made


class _VersionAction(argparse.Action):
    """--version, computing the version only when asked (it costs an import)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> NoReturn:
        import warroom

        print(f"warroom {warroom.__version__}")
        parser.exit(0)


def build_parser() -> argparse.ArgumentParser:
    parser = ArgParser(
        prog="warroom", description="The command line: everything people script or do outside "
        "the full screen. Without a command: the incident picker, full screen."
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "--db",
        type=Path,
        help="database file (default: WARROOM_DB, the config file's, or one in the user data dir)",
    )
    parser.add_argument(
        "--shared",
        action="store_true",
        help="create a new database file group-writable (0660) for a team on one host",
    )
    parser.set_defaults(run=screens.cmd_picker)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ArgParser)
    for group in GROUPS:
        group.add_parsers(sub)
    return parser


def run(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command in STORELESS:
        return args.run(args)
    args.settings = load_settings()
    if args.command in FULL_SCREEN:
        args.keymap = checked_keymap(args.settings)
    from warroom.store.store import Store  # here, not at the top: --help and parse never load it

    if args.command == "demo":
        path = screens.demo_db_path(args)
        print(f"warroom demo: database {path}", file=sys.stderr)
    else:
        path = db_path(args, args.settings)
    with Store.open(path, shared=args.shared) as store:
        return args.run(store, args)


def expected_errors() -> tuple[type[Exception], ...]:
    """The failures that are the user's to fix, imported only once one was raised."""
    from warroom.core.workflow import WorkflowError
    from warroom.store.db import StoreError

    return (UsageError, ConfigError, StoreError, WorkflowError)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run, and turn every expected failure into one line and status 2."""
    try:
        return run(argv)
    except (UsageError, ConfigError) as exc:
        print(f"warroom: error: {sanitize(str(exc))}", file=sys.stderr)  # may quote stored text
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # `warroom parse big.log | head`: not an error
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
        from warroom.core.state import TransitionError

        if isinstance(exc, TransitionError):  # a workflow rule said no
            print(f"warroom: refused: {sanitize(str(exc))}", file=sys.stderr)
            return EXIT_REFUSED
        if isinstance(exc, expected_errors()):
            print(f"warroom: error: {sanitize(str(exc))}", file=sys.stderr)
            return EXIT_USAGE
        if os.environ.get("WARROOM_DEBUG"):
            raise
        print(
            f"warroom: internal error: {type(exc).__name__}: {sanitize(str(exc))} "
            "(set WARROOM_DEBUG=1 to see the traceback, and please report it)",
            file=sys.stderr,
        )
        return 1
