"""Recording what people do: `warroom run ID -- CMD` and `warroom shell ID`.

Kept light: the recorder and the shell hooks are imported by the command that runs.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from warroom.cli.common import Subparsers, UsageError, actor, incident_id

if TYPE_CHECKING:
    from warroom.store.store import Store


def add_parsers(sub: Subparsers) -> None:
    p = sub.add_parser(
        "run",
        help="run a command as you would, recording it (command, status, output) in the "
        "incident timeline; exits with its status",
        description="Runs COMMAND on your terminal (it sees a terminal, your stdin and "
        "environment; ctrl+c goes to it), then records an action in the incident timeline: "
        "the command line, directory, user, host, start and end, exit status, and the first "
        "and last 64 KiB of each output stream. Exits with the command's status.",
    )
    p.set_defaults(run=cmd_run)
    p.add_argument("id", type=incident_id)
    p.add_argument("command", nargs=argparse.REMAINDER, metavar="-- COMMAND [ARGS...]")

    p = sub.add_parser(
        "shell",
        help="start your shell (bash or zsh) recording each command line, its status and "
        "times into the incident timeline (not its output); exit the shell to stop",
    )
    p.set_defaults(run=cmd_shell)
    p.add_argument("id", type=incident_id)
    p.add_argument(
        "--shell", metavar="PATH", help="the shell to start (default: $SHELL; bash or zsh)"
    )


def cmd_run(store: Store, args: argparse.Namespace) -> int:
    from warroom.store.db import StoreError
    from warroom.timeline.recorder import run
    from warroom.timeline.sanitize import sanitize

    command = list(args.command)
    if command[:1] == ["--"]:
        command = command[1:]
    if not command:
        raise UsageError("nothing to run; give the command after --: warroom run ID -- CMD ARGS")
    store.incident(args.id)  # no such incident: said before anything runs
    finished = run(command, store.clock)
    if finished.error:
        print(f"warroom: {sanitize(finished.error)}", file=sys.stderr)
    who = actor(args.settings)
    try:
        event = store.record_finished(args.id, finished, actor=who, how="run")
    except StoreError as exc:
        print(f"warroom: error: the command ran but was not recorded: {sanitize(str(exc))}",
              file=sys.stderr)
        return finished.status
    print(f"warroom: recorded in #{args.id} as entry #{event.id} (exit {finished.status})",
          file=sys.stderr)
    return finished.status


def cmd_shell(store: Store, args: argparse.Namespace) -> int:
    from warroom.cli.shell import start

    return start(store, args.id, actor(args.settings), args.shell)
