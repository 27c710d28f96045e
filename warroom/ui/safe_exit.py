"""How a warroom app dies: it saves first, whatever the way out, and says so in its status.

Quitting, a signal (an SSH drop), the terminal vanishing without one, and a bug
in a handler all go through `flush`, which asks every registered flusher to save
what is typed (the war room writes a recovery copy when the database refuses).
Exit status: 0 only when nothing is left unsaved; 2 when text is only in a
recovery copy; 1 after a bug; 129 when the terminal went away.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from rich.text import Text
from textual.app import App
from textual.driver import Driver

from warroom.store.db import StoreError
from warroom.ui.driver import TerminalDriver

# A flusher saves what it holds and returns None, or says what it could not save.
Flusher = Callable[[], "str | None"]
EXIT_UNSAVED = 2
EXIT_TERMINAL_LOST = 128 + signal.SIGHUP


class SafeExit(App[Any]):
    """Save before every exit; exit non-zero when something could not be saved."""

    _flushers: list[Flusher]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._flushers = []
        super().__init__(*args, **kwargs)

    def get_driver_class(self) -> type[Driver]:
        driver = super().get_driver_class()
        return TerminalDriver if driver.__name__ == "LinuxDriver" else driver

    def register_flusher(self, flush: Flusher) -> Callable[[], None]:
        """Something to save before the process dies; returns its unregister function."""
        self._flushers.append(flush)
        return lambda: self._flushers.remove(flush) if flush in self._flushers else None

    def flush(self) -> list[str]:
        """Run every flusher; never raises (it runs on the way out): returns what is unsaved."""
        problems = []
        for flush in list(self._flushers):
            try:
                problem = flush()
            except Exception as exc:  # noqa: BLE001 - dying anyway: save what else we can
                problem = f"{type(exc).__name__}: {exc}"
            if problem:
                problems.append(problem)
        return problems

    @contextmanager
    def store_refusal(self, doing: str) -> Iterator[None]:
        """Around a write the user asked for (pin, note, tick): a StoreError (disk full,
        read-only, ...) is said on screen and the app goes on; it is not a crash."""
        try:
            yield
        except StoreError as exc:
            self.bell()
            self.notify(f"Not {doing}: {exc}", title="Not saved", severity="error", timeout=10,
                        markup=False)

    async def action_quit(self) -> None:
        """Quit, but not with status 0 while typed text is only in a recovery copy."""
        problems = self.flush()
        if problems:
            self.exit(return_code=EXIT_UNSAVED, message=Text(
                "warroom: error: " + "; ".join(problems), no_wrap=False))
        else:
            self.exit()

    def terminal_lost(self) -> None:
        """The terminal read end of file or EIO (no SIGHUP came): save, and exit quietly."""
        self.flush()
        self.exit(return_code=EXIT_TERMINAL_LOST)

    def _handle_exception(self, error: Exception) -> None:
        """The last resort (a bug in a handler): save what is typed before Textual exits."""
        problems = self.flush()
        super()._handle_exception(error)  # status 1; Pilot re-raises it in tests
        if os.environ.get("WARROOM_DEBUG"):
            return
        line = Text(
            f"warroom: internal error: {type(error).__name__}: {error} "
            "(set WARROOM_DEBUG=1 to see the traceback, and please report it)",
            no_wrap=False,
        )
        if problems:
            line.append("; not saved: " + "; ".join(problems))
        self._exit_renderables[:] = [line]

    def install_signal_handlers(self) -> None:
        """On SIGHUP/SIGTERM (an SSH drop) save first, then exit without the terminal.

        Textual runs neither on_unmount nor atexit on these signals, and the
        terminal may already be gone, so restoring it could block or fail.
        """
        if self.is_headless:
            return

        def handler(signum: int, frame: FrameType | None) -> None:
            self.flush()
            os._exit(128 + signum)

        for sig in (signal.SIGHUP, signal.SIGTERM):
            signal.signal(sig, handler)
