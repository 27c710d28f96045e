"""The offline bundle's install.sh refuses what cannot work, in one line, before touching anything.

The install itself (wheels, no network) is checked by scripts/check-offline in CI; these run
the script from a bundle folder without wheels.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "offline" / "install.sh"


def bundle(tmp_path: Path, arch: str | None = None) -> Path:
    text = SCRIPT.read_text().replace("@VERSION@", "9.9.9")
    text = text.replace("@ARCH@", arch or platform.machine())
    folder = tmp_path / "bundle"
    (folder / "wheels").mkdir(parents=True)
    script = folder / "install.sh"
    script.write_text(text)
    script.chmod(0o755)
    return script


def run(script: Path, *args: str, python: str = sys.executable) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHON": python}
    return subprocess.run(
        ["sh", str(script), *args], capture_output=True, text=True, env=env, check=False
    )


def test_without_a_directory_it_says_how_to_call_it(tmp_path: Path) -> None:
    result = run(bundle(tmp_path))
    assert result.returncode == 2
    assert "usage:" in result.stderr
    assert "DIR" in result.stderr


def test_a_bundle_for_another_architecture_names_the_right_one(tmp_path: Path) -> None:
    other = "aarch64" if platform.machine() == "x86_64" else "x86_64"
    result = run(bundle(tmp_path, other), str(tmp_path / "venv"))
    assert result.returncode == 2
    assert f"take warroom-offline-9.9.9-linux-{platform.machine()}.tar.gz" in result.stderr
    assert not (tmp_path / "venv").exists()


def test_a_python_it_has_no_wheels_for_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "python3.14"
    fake.write_text('#!/bin/sh\nif [ "$1" = -V ]; then echo "Python 3.14.0"; exit 0; fi\nexit 1\n')
    fake.chmod(0o755)
    result = run(bundle(tmp_path), str(tmp_path / "venv"), python=str(fake))
    assert result.returncode == 2
    assert "Python 3.14.0" in result.stderr
    assert "CPython 3.11, 3.12 and 3.13" in result.stderr
    assert not (tmp_path / "venv").exists()


def test_a_missing_python_is_named(tmp_path: Path) -> None:
    result = run(bundle(tmp_path), str(tmp_path / "venv"), python="no-such-python3")
    assert result.returncode == 2
    assert "no-such-python3 not found" in result.stderr


def test_a_folder_that_is_not_a_venv_is_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "home-stuff"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    result = run(bundle(tmp_path), str(target))
    assert result.returncode == 2
    assert "is not a virtual environment" in result.stderr
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]


def _bundled_pip() -> Path | None:
    import ensurepip

    found = sorted((Path(ensurepip.__file__).parent / "_bundled").glob("pip-*.whl"))
    return found[-1] if found else None


@pytest.mark.skipif(_bundled_pip() is None, reason="this Python has no bundled pip wheel")
def test_no_wheel_that_fits_ends_in_one_line_saying_so(tmp_path: Path) -> None:
    """Wheels without warroom's stand for a machine nothing in the bundle fits (musl, old glibc).

    pip (ensurepip's own wheel) runs from the bundle without network and finds nothing.
    """
    script = bundle(tmp_path)
    pip_wheel = _bundled_pip()
    assert pip_wheel is not None
    (script.parent / "wheels" / pip_wheel.name).write_bytes(pip_wheel.read_bytes())
    result = run(script, str(tmp_path / "venv"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("install.sh: pip found no wheel")
