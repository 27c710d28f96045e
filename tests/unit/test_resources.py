"""Package data is found from a source tree / editable install (the wheel is smoke-tested in CI)."""

from __future__ import annotations

import pytest

from warroom.resources import data_dir


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("templates", "incident-response/workflow.toml"),
        ("personas", "special_purpose/incident-commander.md"),
        ("personas", "prompts/debug.md"),
        ("styles", "warroom.tcss"),
    ],
)
def test_data_dirs_hold_their_files(kind: str, expected: str) -> None:
    assert (data_dir(kind) / expected).is_file()


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown package data kind"):
        data_dir("secrets")
