"""warroom: a keyboard-driven terminal war room for production incidents."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """`warroom.__version__`, looked up only when asked: importlib.metadata is slow to load."""
    if name != "__version__":
        raise AttributeError(f"module 'warroom' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("warroom")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0.0.0+unknown"
