"""`warroom completion`: the generated scripts complete in a real shell, and cost others nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_cli_flow import env, run  # noqa: F401 - env is a fixture

# Calls the function the script registered for `warroom` (as bash does on tab), with the words
# typed so far, the last one being completed; prints what it offers, one a line.
DRIVER = r"""
source "$1"; shift
COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
COMPREPLY=()
spec=$(complete -p warroom)
fn=${spec##*-F }; fn=${fn%% *}
"$fn" warroom "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"""


@pytest.fixture
def complete(env: dict[str, str], tmp_path: Path):  # noqa: F811 - the fixture imported above
    script = tmp_path / "warroom.bash"
    script.write_text(run(env, "completion", "bash").stdout)
    (tmp_path / "report.md").write_text("x")
    (tmp_path / "alert.json").write_text("{}")

    def offered(*words: str) -> list[str]:
        result = subprocess.run(
            ["bash", "--norc", "--noprofile", "-c", DRIVER, "driver", str(script), *words],
            capture_output=True, text=True, cwd=tmp_path, timeout=30, check=False,
        )
        assert result.returncode == 0, result.stderr
        return [line for line in result.stdout.splitlines() if line]

    return offered


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash here")
def test_bash_completes_commands_options_choices_and_files(complete) -> None:
    assert complete("warroom", "ex") == ["export"]
    assert {"new", "note", "milestone", "gate", "completion"} <= set(complete("warroom", ""))
    assert complete("warroom", "completion", "") == ["bash", "zsh"]
    assert "--severity" in complete("warroom", "new", "--sev")
    assert complete("warroom", "new", "--from-alert", "al") == ["alert.json"]
    assert complete("warroom", "export", "3", "-o", "rep") == ["report.md"]
    assert "--json" in complete("warroom", "list", "--")


@pytest.mark.skipif(shutil.which("zsh") is None, reason="no zsh here")
def test_zsh_script_is_valid_zsh(env: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    script = tmp_path / "_warroom"
    script.write_text(run(env, "completion", "zsh").stdout)
    result = subprocess.run(["zsh", "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_an_unknown_shell_is_one_line_naming_the_choices(env: dict[str, str]) -> None:  # noqa: F811
    result = run(env, "completion", "fish", ok=False)
    assert result.returncode == 2
    assert "choose from 'bash', 'zsh'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_other_commands_do_not_import_shtab() -> None:
    """The completion generator is loaded by `warroom completion` alone."""
    code = (
        "import sys\n"
        "from warroom.cli.main import build_parser\n"
        "build_parser().parse_args(['list'])\n"
        "assert 'shtab' not in sys.modules, 'shtab imported by the parser'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
