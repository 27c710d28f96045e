"""What every command shares: the one-line error, the parser, who is acting, argument types.

Kept light (the core is imported inside the functions that need it) because
the log commands use it on their fast start.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from datetime import datetime

    from warroom.config import Settings
    from warroom.core.milestones import MilestoneKind
    from warroom.core.models import Severity, Status
    from warroom.store.store import Store

EXIT_USAGE = 2
EXIT_REFUSED = 3  # refused by a workflow rule, or a failed verification
Subparsers = Any  # argparse's _SubParsersAction, which it does not export


class UsageError(Exception):
    """Bad input from the command line; shown as one line, exit status 2."""


class ArgParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line, not argparse's usage block: what is wrong and where to look."""
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", help="print the result as one JSON object, for scripts"
    )


def print_json(data: object) -> None:
    """One JSON document on stdout; stored text in it is escaped, never raw control bytes."""
    import json

    from warroom.timeline.sanitize import json_safe

    print(json_safe(json.dumps(data, indent=2, ensure_ascii=False)))


def actor(settings: Settings | None = None) -> str:
    """Who is at the keyboard: WARROOM_USER, else the config's user, else the login name."""
    name = os.environ.get("WARROOM_USER") or (settings.user if settings else None)
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def incident_id(text: str) -> int:
    raw = text.strip().lstrip("#")
    if not raw.isdigit():
        raise argparse.ArgumentTypeError(f"incident id {text!r} is not a number like 3 or #3")
    return int(raw)


def severity(text: str) -> Severity:
    from warroom.core.models import Severity

    try:
        return Severity.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def status(text: str) -> Status:
    from warroom.core.models import Status

    for member in Status:
        if member.value.lower() == text.strip().lower():
            return member
    raise argparse.ArgumentTypeError(
        f"status {text!r} is not one of ongoing, mitigated, resolved, closed"
    )


def when(text: str) -> datetime:
    from warroom.clock import parse_when

    try:
        return parse_when(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def milestone_kind(text: str) -> MilestoneKind:
    from warroom.core.milestones import MilestoneKind

    try:
        return MilestoneKind.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def phase_number(store: Store, ref: str) -> int:
    """A phase from its artifact code (INC-2), number or name."""
    try:
        return store.workflow.phase_for(ref).number
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None


def read_source(source: str) -> str:
    """A file's text, or stdin's for "-"; a missing or unreadable file is a UsageError."""
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"file {source} does not exist") from None
    except UnicodeDecodeError:
        raise UsageError(f"file {source} is not UTF-8 text") from None
    except OSError as exc:
        raise UsageError(f"cannot read {source}: {exc.strerror}") from None


def db_path(args: argparse.Namespace, settings: Settings) -> Path | None:
    """--db, else WARROOM_DB, else the config's database; None is the user data dir."""
    if args.db is not None or os.environ.get("WARROOM_DB"):
        return args.db
    return settings.database_path


def checked_keymap(settings: Settings) -> dict[str, str]:
    """The config's theme and keys, checked before the screen starts; returns the keymap.

    Textual ignores a theme or binding id it does not know without a word;
    here it is one line naming the setting.
    """
    if settings.theme is None and not settings.keys:
        return {}  # nothing to check: the screens' modules stay unimported until needed
    from warroom.config import ConfigError, config_path
    from warroom.ui.look import check_look

    try:
        return check_look(settings)
    except ValueError as exc:
        raise ConfigError(f"config file {config_path()}: {exc}") from None


def with_display_tz(settings: Settings, tz: str | None) -> Settings:
    """The settings with ``--tz`` as the display zone (checked: one line if unknown)."""
    if not tz:
        return settings
    import dataclasses

    from warroom.timeline.zones import ZoneError

    try:
        return dataclasses.replace(settings, display_tz=tz)
    except ZoneError as exc:
        raise UsageError(f"--tz: {exc}") from None


def checked_zone(spec: str) -> None:
    """A ``--log FILE@ZONE`` whose zone is unknown is refused before anything starts."""
    from warroom.timeline.zones import ZoneError, split_zone

    try:
        split_zone(spec)
    except ZoneError as exc:
        raise UsageError(f"{spec}: {exc}") from None
