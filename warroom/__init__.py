"""warroom: a keyboard-driven terminal war room for production incidents."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("warroom")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
