"""The user's settings: a TOML file in the user's config directory, validated on load.

``WARROOM_CONFIG`` names another file (which then must exist); without either
file every setting has its default. Flags and the per-shell environment
variables (``WARROOM_DB``, ``WARROOM_USER``) win over the file.

The settings are plain frozen dataclasses, validated by pydantic only when a
file is read: importing pydantic costs ~70 ms, and `warroom tail` must open a
log fast. A bad file is one `ConfigError` line naming the file and the field.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar

__all__ = [
    "ConfigError",
    "MIN_LINES",
    "ExportSettings",
    "Settings",
    "TimelineSettings",
    "config_path",
    "dump_toml",
    "load_settings",
]

MIN_LINES = 100  # the fewest log lines a view may hold (the file's and --lines' floor)
_FORBID_UNKNOWN = {"extra": "forbid"}  # a misspelt setting is an error, not silently ignored


def _doc(default: Any, doc: str) -> Any:
    """A field with its default and the line `warroom config` prints above it."""
    return field(default=default, metadata={"doc": doc})


class ConfigError(Exception):
    """A config file that cannot be read or does not validate; worded for the user."""


@dataclass(frozen=True)
class TimelineSettings:
    """The live log panel (`warroom tail` and the war room's timeline)."""

    __pydantic_config__: ClassVar[dict[str, str]] = _FORBID_UNKNOWN

    lines: int = _doc(100_000, "lines held in memory; older ones are dropped and counted")
    backlog: int = _doc(200, "last lines of each source shown when it opens")
    poll: bool = _doc(False, "stat files instead of waiting for change events (NFS, some mounts)")
    poll_interval: float = _doc(0.05, "seconds between two stats of a polled file")

    def __post_init__(self) -> None:
        if self.lines < MIN_LINES:
            raise ValueError(f"lines must be at least {MIN_LINES}")
        if self.backlog < 0:
            raise ValueError("backlog must be 0 or more")
        if not 0.001 <= self.poll_interval <= 60:
            raise ValueError("poll_interval must be between 0.001 and 60 seconds")


@dataclass(frozen=True)
class ExportSettings:
    """`warroom export`."""

    __pydantic_config__: ClassVar[dict[str, str]] = _FORBID_UNKNOWN

    redact_patterns: tuple[str, ...] = _doc(
        (), "regexes redacted on top of the built-in secret shapes (as --redact-pattern)")

    def __post_init__(self) -> None:
        import re

        for pattern in self.redact_patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a valid regex: {exc}") from None


@dataclass(frozen=True)
class Settings:
    """Everything the file can set; each field's default is what applies without it."""

    __pydantic_config__: ClassVar[dict[str, str]] = _FORBID_UNKNOWN

    user: str | None = _doc(
        None, "the name on decisions and notes (default: WARROOM_USER, else the login name)")
    database: str | None = _doc(
        None, "the database file (default: WARROOM_DB, else one in the user data dir)")
    theme: str | None = _doc(
        None, "a Textual theme, e.g. \"nord\" (NO_COLOR still means ansi-dark)")
    display_tz: str = _doc(
        "UTC", "the zone times are shown in: an IANA name (Europe/Berlin), UTC or local")
    timeline: TimelineSettings = field(default_factory=TimelineSettings)
    export: ExportSettings = field(default_factory=ExportSettings)
    keys: dict[str, str] = field(default_factory=dict, metadata={
        "doc": "binding id = keys, e.g. log_pin = \"P\" (warroom config --keys lists the ids)"})

    def __post_init__(self) -> None:
        from warroom.timeline.zones import get_zone

        get_zone(self.display_tz)  # ZoneError is a ValueError: one line naming the setting

    @property
    def database_path(self) -> Path | None:
        return Path(self.database).expanduser() if self.database else None


def config_path() -> Path:
    """WARROOM_CONFIG, else config.toml in the user's config directory."""
    env = os.environ.get("WARROOM_CONFIG")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("warroom", appauthor=False)) / "config.toml"


def load_settings(path: Path | None = None, *, missing_ok: bool = False) -> Settings:
    """The settings from `path` (default: config_path()); defaults when the default file is absent.

    Raises ConfigError for a file that is unreadable, not TOML, or not valid,
    and for a file named by WARROOM_CONFIG or `path` that is absent (unless
    `missing_ok`: `warroom config` prints the defaults to start that file with).
    """
    explicit = not missing_ok and (path is not None or bool(os.environ.get("WARROOM_CONFIG")))
    path = path or config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if explicit:
            raise ConfigError(
                f"config file {path} does not exist; create it (warroom config --init) "
                "or unset WARROOM_CONFIG"
            ) from None
        return Settings()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(f"cannot read config file {path}: {reason}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    return _validate(path, data)


def _validate(path: Path, data: dict[str, Any]) -> Settings:
    import pydantic

    try:
        return pydantic.TypeAdapter(Settings).validate_python(data)
    except pydantic.ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "unexpected_keyword_argument":
            message = "no such setting (warroom config prints every one)"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise ConfigError(f"config file {path}: {where}: {message}{more}") from None


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def dump_toml(settings: Settings) -> str:
    """The settings as a commented TOML file that load_settings reads back equal."""
    lines: list[str] = []
    tables: list[tuple[str, str, dict[str, Any]]] = []
    for f in fields(settings):
        value = getattr(settings, f.name)
        if isinstance(value, TimelineSettings | ExportSettings):
            docs = {sub.name: sub.metadata.get("doc", "") for sub in fields(value)}
            tables.append((f.name, "", {k: (docs[k], v) for k, v in asdict(value).items()}))
        elif isinstance(value, dict):
            keys = {key: ("", keys) for key, keys in value.items()}
            tables.append((f.name, f.metadata.get("doc", ""), keys))
        else:
            lines.append(f"# {f.metadata.get('doc', '')}")
            lines.append(f"{f.name} = {_toml_value(value)}" if value is not None
                         else f"# {f.name} =")
    for name, doc, table in tables:
        lines += ["", f"[{name}]"] + ([f"# {doc}"] if doc else [])
        for key, (key_doc, value) in table.items():
            if key_doc:
                lines.append(f"# {key_doc}")
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def _toml_key(key: str) -> str:
    bare = key.replace("_", "").replace("-", "").isalnum() and key.isascii()
    return key if bare else json.dumps(key)
