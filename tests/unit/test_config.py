"""The settings file: defaults, validation worded for the user, and `warroom config`'s TOML."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from warroom.config import (
    ConfigError,
    ExportSettings,
    Settings,
    TimelineSettings,
    config_path,
    dump_toml,
    load_settings,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_at_the_default_path_means_the_defaults(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert config_path() == tmp_path / "warroom" / "config.toml"
    settings = load_settings()
    assert settings == Settings()
    assert settings.timeline.lines == 100_000
    assert settings.database_path is None


def test_a_file_sets_what_it_names_and_leaves_the_rest(tmp_path: Path) -> None:
    path = write(tmp_path, """
user = "ana"
database = "~/incidents.db"
theme = "nord"
[timeline]
lines = 5000
poll = true
[export]
redact_patterns = ["ACME-[0-9]{8}"]
[keys]
log_pin = "P"
""")
    settings = load_settings(path)
    assert settings.user == "ana"
    assert settings.database_path == Path.home() / "incidents.db"
    assert settings.theme == "nord"
    assert settings.timeline == TimelineSettings(lines=5000, poll=True)
    assert settings.export == ExportSettings(redact_patterns=("ACME-[0-9]{8}",))
    assert settings.keys == {"log_pin": "P"}


def test_warroom_config_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, 'user = "bo"\n')
    monkeypatch.setenv("WARROOM_CONFIG", str(path))
    assert config_path() == path
    assert load_settings().user == "bo"


def test_warroom_config_naming_a_missing_file_is_an_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARROOM_CONFIG", str(tmp_path / "nope.toml"))
    with pytest.raises(ConfigError, match=r"nope.toml does not exist; create it"):
        load_settings()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("user = ", r"is not valid TOML: Invalid value"),
        ("usr = 'ana'", r": usr: no such setting \(warroom config prints every one\)$"),
        ("[timeline]\nlines = 10", r": timeline: lines must be at least 100$"),
        ("[timeline]\nlines = 'many'", r": timeline.lines: Input should be a valid integer"),
        ("[timeline]\npoll = 'maybe'", r": timeline.poll: Input should be a valid boolean"),
        ("[timeline]\npoll_interval = 0", r": timeline: poll_interval must be between"),
        ("[timeline]\nfollow = true", r": timeline.follow: no such setting"),
        ("[export]\nredact_patterns = ['(']", r": export: '\(' is not a valid regex"),
        ("[keys]\nlog_pin = 1", r": keys.log_pin: Input should be a valid string"),
        ("user = 1\ntheme = 2", r": user: Input should be a valid string \(and 1 more\)$"),
    ],
)
def test_a_bad_file_is_one_line_naming_the_file_and_the_field(tmp_path: Path, text: str,
                                                              message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings(path)
    assert str(caught.value).startswith(f"config file {path}")
    assert "\n" not in str(caught.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_says_so(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    path.chmod(0)
    with pytest.raises(ConfigError, match="cannot read config file .*: Permission denied"):
        load_settings(path)


def test_a_file_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'user = "\xff"\n')
    with pytest.raises(ConfigError, match="cannot read config file .*can't decode byte 0xff"):
        load_settings(path)


def test_a_directory_is_not_a_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=f"cannot read config file {tmp_path}"):
        load_settings(tmp_path)


@pytest.mark.parametrize(
    "settings",
    [
        Settings(),
        Settings(user='a "quoted" name', database="/srv/war room.db", theme="nord",
                 timeline=TimelineSettings(lines=250, backlog=0, poll=True, poll_interval=1.5),
                 export=ExportSettings(redact_patterns=(r"token=\w+", "é")),
                 keys={"log_pin": "P", "gate": "ctrl+g,f8"}),
    ],
)
def test_the_dump_is_a_config_file_that_reads_back_equal(tmp_path: Path,
                                                         settings: Settings) -> None:
    text = dump_toml(settings)
    assert "# lines held in memory" in text  # every setting says what it is
    assert load_settings(write(tmp_path, text)) == settings
    assert tomllib.loads(text)  # plain TOML, whatever the values
