"""`warroom config`: where the settings file is, what is in effect, and every remappable key.

Its output is a valid config file; `warroom config --init` writes it where
warroom looks for it, to start from.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from warroom.cli.common import Subparsers, UsageError, checked_keymap
from warroom.config import Settings, config_path, dump_toml, load_settings


def add_parsers(sub: Subparsers) -> None:
    p = sub.add_parser(
        "config", help="print the settings in effect (a config file), its path, or the keys"
    )
    p.set_defaults(run=cmd_config)
    what = p.add_mutually_exclusive_group()
    what.add_argument("--path", action="store_true", help="only the config file's path")
    what.add_argument(
        "--init", action="store_true",
        help="write the defaults, commented, to the config file (never over an existing one)",
    )
    what.add_argument(
        "--keys", action="store_true", help="every key the [keys] table can remap, by id"
    )


def cmd_config(args: argparse.Namespace) -> int:
    """The path and the keys need no valid file; the settings are checked as they are shown."""
    path = config_path()
    if args.path:
        print(path)
        return 0
    if args.keys:
        return _print_keys()
    if args.init:
        return _init(path)
    settings = load_settings(path, missing_ok=True)
    checked_keymap(settings)  # a theme or key the screens would refuse is refused here too
    state = "in effect" if path.exists() else "not found: these are the defaults"
    print(f"# warroom config: {path} ({state})")
    print("# Flags and WARROOM_DB / WARROOM_USER win over this file.")
    print(dump_toml(settings), end="")
    return 0


def _init(path: Path) -> int:
    """Start a config file from the defaults; an existing one is never overwritten."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:
            handle.write(dump_toml(Settings()))
    except FileExistsError:
        raise UsageError(f"{path} already exists; edit it, or remove it first") from None
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
    print(f"wrote {path}: every setting at its default; edit what you need", file=sys.stderr)
    return 0


def _print_keys() -> int:
    from warroom.ui.keys import key_bindings

    bindings = key_bindings()
    width = max(len(b.id) for b in bindings)
    keys_width = max(len(b.keys) for b in bindings)
    print(f"{'ID':<{width}}  {'KEYS':<{keys_width}}  WHERE: WHAT")
    for b in bindings:
        print(f"{b.id:<{width}}  {b.keys:<{keys_width}}  {b.where}: {b.description}")
    return 0
