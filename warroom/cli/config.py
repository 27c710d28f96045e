"""`warroom config`: where the settings file is, what is in effect, and every remappable key.

Its output is a valid config file: `warroom config > "$(warroom config --path)"`
starts one.
"""

from __future__ import annotations

import argparse

from warroom.cli.common import Subparsers
from warroom.config import config_path, dump_toml, load_settings


def add_parsers(sub: Subparsers) -> None:
    p = sub.add_parser(
        "config", help="print the settings in effect (a config file), its path, or the keys"
    )
    p.set_defaults(run=cmd_config)
    what = p.add_mutually_exclusive_group()
    what.add_argument("--path", action="store_true", help="only the config file's path")
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
    settings = load_settings(path, missing_ok=True)
    state = "in effect" if path.exists() else "not found: these are the defaults"
    print(f"# warroom config: {path} ({state})")
    print("# Flags and WARROOM_DB / WARROOM_USER win over this file.")
    print(dump_toml(settings), end="")
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
