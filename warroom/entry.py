"""The `warroom` command. `tail` without --incident skips loading the store: a log opens fast."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["tail"] and not any(a.startswith("--incident") for a in args):
        from warroom.cli.logs import main_tail

        return main_tail(args[1:])
    from warroom.cli.main import main as cli_main

    return cli_main(argv)
