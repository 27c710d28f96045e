"""The config file through the installed `warroom` command: what it changes, and bad files."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import pytest

from tests.cli.test_cli_flow import run


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "WARROOM_CONFIG": str(tmp_path / "config.toml"), "NO_COLOR": "1"}
    for name in ("WARROOM_DB", "WARROOM_USER"):
        env.pop(name, None)
    return env


def configure(env: dict[str, str], text: str) -> None:
    Path(env["WARROOM_CONFIG"]).write_text(text, encoding="utf-8")


def test_config_prints_a_file_that_reads_back(env: dict[str, str], tmp_path: Path) -> None:
    configure(env, '[timeline]\nlines = 5000\n[keys]\nlog_pin = "P"\n')
    out = run(env, "config").stdout
    assert out.startswith(f"# warroom config: {tmp_path / 'config.toml'} (in effect)\n")
    data = tomllib.loads(out)
    assert data["timeline"]["lines"] == 5000
    assert data["keys"] == {"log_pin": "P"}
    assert run(env, "config", "--path").stdout == f"{tmp_path / 'config.toml'}\n"


def test_config_without_a_file_shows_the_defaults(env: dict[str, str],
                                                  tmp_path: Path) -> None:
    out = run(env, "config").stdout  # WARROOM_CONFIG names a file not written yet
    assert f"{tmp_path / 'config.toml'} (not found: these are the defaults)" in out
    del env["WARROOM_CONFIG"]
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    out = run(env, "config").stdout
    assert f"{tmp_path / 'xdg' / 'warroom' / 'config.toml'} (not found" in out.splitlines()[0]
    assert tomllib.loads(out)["timeline"]["lines"] == 100_000


def test_config_init_writes_the_defaults_once(env: dict[str, str], tmp_path: Path) -> None:
    env["WARROOM_CONFIG"] = str(tmp_path / "new" / "dir" / "config.toml")
    missing = run(env, "list", ok=False)
    assert "does not exist; create it (warroom config --init)" in missing.stderr
    result = run(env, "config", "--init")
    assert result.stdout == ""
    assert result.stderr.startswith(f"wrote {env['WARROOM_CONFIG']}")
    written = Path(env["WARROOM_CONFIG"]).read_text(encoding="utf-8")
    assert tomllib.loads(written)["timeline"]["lines"] == 100_000
    Path(env["WARROOM_CONFIG"]).write_text('user = "mine"\n', encoding="utf-8")
    again = run(env, "config", "--init", ok=False)
    assert again.returncode == 2
    assert "already exists; edit it" in again.stderr
    assert Path(env["WARROOM_CONFIG"]).read_text(encoding="utf-8") == 'user = "mine"\n'


def test_config_keys_lists_every_remappable_key(env: dict[str, str]) -> None:
    lines = run(env, "config", "--keys").stdout.splitlines()
    assert lines[0].split() == ["ID", "KEYS", "WHERE:", "WHAT"]
    rows = {line.split()[0]: line.split(None, 2)[1:] for line in lines[1:]}
    assert rows["log_pin"] == ["p", "LogView: Pin line"]
    assert rows["gate"] == ["ctrl+g", "WarRoomScreen: Gate"]
    assert len(rows) > 60


def test_user_database_and_redaction_come_from_the_file(env: dict[str, str],
                                                        tmp_path: Path) -> None:
    db = tmp_path / "from-config.db"
    configure(env, f'user = "rita"\ndatabase = "{db}"\n'
                   '[export]\nredact_patterns = ["ACME-[0-9]{4}"]\n')
    incident = run(env, "new", "Config test").stdout.splitlines()[0]
    assert db.is_file()
    run(env, "note", incident, "ticket ACME-1234 opened")
    status = json.loads(run(env, "status", incident, "--json").stdout)
    assert status["title"] == "Config test"
    export = run(env, "export", incident)
    assert "ACME-1234" not in export.stdout
    assert "[REDACTED:custom]" in export.stdout
    assert "rita" in export.stdout  # the note's author
    # The environment and flags win over the file.
    other = tmp_path / "flag.db"
    run({**env, "WARROOM_USER": "sam"}, "--db", str(other), "new", "Elsewhere")
    assert other.is_file()
    listed = run({**env, "WARROOM_DB": str(other)}, "list", "--json").stdout
    assert [i["title"] for i in json.loads(listed)] == ["Elsewhere"]


@pytest.mark.parametrize(
    ("args", "text", "message"),
    [
        (["list"], "[timeline]\nlines = 5\n", "timeline: lines must be at least 100"),
        (["config"], "user = [", "is not valid TOML"),
        (["config"], 'theme = "nrod"\n', "theme: no theme 'nrod'"),
        (["config"], '[keys]\nlog_pn = "P"\n', "keys.log_pn: no key has that id"),
        (["tail", "x.log"], "[timeline]\nlnes = 500\n", "timeline.lnes: no such setting"),
        (["tail", "x.log"], '[keys]\nlog_pni = "P"\n', "keys.log_pni: no key has that id"),
        (["tail", "x.log"], '[keys]\nlog_pin = "ctrl p"\n', "is not a key list"),
        (["config"], '[keys]\nlog_pin = "l"\n',
         "keys.log_pin: 'l' is already Level (log_level) in TimelinePanel, live beside LogView: "
         "remap that too"),
        (["config"], '[keys]\ngate = "f6"\n',
         "keys.gate: 'f6' is already Select line in TextArea, live beside WarRoomScreen: "
         "choose another key"),
        (["open", "1"], 'theme = "solarised"\n', "theme: no theme 'solarised'; one of"),
        (["demo"], '[keys]\nnope = "x"\n', "keys.nope: no key has that id"),
    ],
)
def test_a_bad_config_is_one_line_and_status_2(env: dict[str, str], tmp_path: Path,
                                               args: list[str], text: str, message: str) -> None:
    env["WARROOM_DB"] = str(tmp_path / "bad.db")
    configure(env, text)
    result = run(env, *args, ok=False)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"warroom: error: config file {tmp_path / 'config.toml'}")
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "bad.db").exists() or args[0] != "demo"  # nothing created first
