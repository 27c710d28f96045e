"""Find the package data (templates, personas, styles, demo data) in a wheel or a source tree.

In a wheel they are installed under ``warroom/_data/``; in an editable install
or a checkout they sit at the top level of the repository, next to ``warroom/``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_KINDS = ("templates", "personas", "styles", "data")


def data_dir(kind: str) -> Path:
    """Return the directory holding one kind of package data."""
    if kind not in _KINDS:
        raise ValueError(f"unknown package data kind {kind!r}; expected one of {_KINDS}")
    for candidate in (_PACKAGE_DIR / "_data" / kind, _PACKAGE_DIR.parent / kind):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"warroom's {kind}/ directory is missing; reinstall warroom (pip install warroom)"
    )
