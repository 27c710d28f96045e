"""The `warroom` command. `--version`, and `tail` without --incident, load no parser nor store."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:  # answered before any parser or store is loaded
        from warroom import __version__

        print(f"warroom {__version__}")
        return 0
    if args[:1] == ["tail"] and not any(a.startswith("--incident") for a in args):
        from warroom.cli.logs import main_tail

        return main_tail(args[1:])
    from warroom.cli.main import main as cli_main

    return cli_main(argv)
