"""`warroom completion bash|zsh`: the shell completion script, generated from the parser.

Generated when asked (shtab walks the same parser as --help), so it cannot drift and no
other command pays for it: shtab and the full parser are imported here, in the command.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from warroom.cli.common import Subparsers

SHELLS = ("bash", "zsh")
# shtab.FILE, spelled out so that building the parser never imports shtab.
FILE = {"bash": "_shtab_compgen_files", "zsh": "_files"}


def add_parsers(sub: Subparsers) -> None:
    p = sub.add_parser(
        "completion",
        help="print the shell completion script for bash or zsh",
        epilog='bash: add `eval "$(warroom completion bash)"` to ~/.bashrc. zsh: '
        "`warroom completion zsh > ~/.zfunc/_warroom`, with ~/.zfunc on fpath before compinit.",
    )
    p.set_defaults(run=cmd_completion)
    p.add_argument("shell", choices=SHELLS)


def _mark_paths(parser: argparse.ArgumentParser) -> None:
    """Arguments that take a file complete file names (shtab offers nothing by default)."""
    for action in parser._actions:  # noqa: SLF001 - argparse has no public walk
        names = " ".join([*action.option_strings, str(action.metavar or ""), action.dest])
        if action.type is Path or any(w in names.upper() for w in ("FILE", "PATH_OR_GLOB")):
            action.complete = FILE  # type: ignore[attr-defined]
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for child in action.choices.values():
                _mark_paths(child)


def cmd_completion(args: argparse.Namespace) -> int:
    import shtab

    from warroom.cli.main import build_parser

    parser = build_parser()
    _mark_paths(parser)
    print(shtab.complete(parser, shell=args.shell))
    return 0
