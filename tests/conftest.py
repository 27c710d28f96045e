"""Every test runs without the developer's own config file (and its subprocesses too)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory,
                    ) -> None:
    monkeypatch.delenv("WARROOM_CONFIG", raising=False)
    home: Path = tmp_path_factory.getbasetemp() / "xdg-config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    # Recovery copies (typed text a failed save kept aside) go to a per-test state dir.
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("xdg-state")))
