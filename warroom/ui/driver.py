"""The terminal driver: Textual's Linux driver, told what to do when the terminal vanishes.

An SSH session that dies without a SIGHUP reaching us (the pty is torn down,
the process was started with SIGHUP ignored) leaves stdin at end of file or
failing with EIO. Textual's input thread then either spins (select says
readable, read returns nothing, forever: 40-77% of a core for as long as the
host stays up) or dies and leaves the app running blind. Here the input loop
notices either, tells the app once (which saves and exits), and stops; nothing
more is written to the dead terminal.
"""

from __future__ import annotations

import asyncio
import errno
import os
import selectors
from codecs import getincrementaldecoder

from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

# What a read from a terminal that is gone raises: EIO after the pty's master closed,
# the others when the descriptor itself was torn away.
_GONE_ERRNOS = frozenset({errno.EIO, errno.EBADF, errno.ENXIO, errno.ENODEV})


class TerminalDriver(LinuxDriver):
    """LinuxDriver that turns EOF or EIO on the terminal into one call of the app's
    `terminal_lost`, on the app's loop."""

    terminal_gone = False

    def start_application_mode(self) -> None:
        self._main_loop = asyncio.get_running_loop()
        super().start_application_mode()

    def write(self, data: str) -> None:
        if not self.terminal_gone:  # nobody to read it, and the write would fail
            super().write(data)

    def _lost(self) -> None:
        """From the input thread: mark the terminal gone and ask the app's loop to exit."""
        if self.terminal_gone:
            return
        self.terminal_gone = True
        self.exit_event.set()
        callback = getattr(self._app, "terminal_lost", None)
        if callback is not None:
            self._main_loop.call_soon_threadsafe(callback)

    def run_input_thread(self) -> None:
        """Textual's input loop (8.2), with end of file and EIO meaning the terminal is gone."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        try:
            while not self.exit_event.is_set():
                ready = selector.select(0.1)
                if ready:
                    try:
                        data = os.read(self.fileno, 1024 * 4)
                    except OSError as exc:
                        if exc.errno not in _GONE_ERRNOS:
                            raise
                        data = b""
                    if not data:
                        self._lost()
                        return
                    for event in parser.feed(decode(data)):
                        self.process_message(event)
                for event in parser.tick():
                    self.process_message(event)
        finally:
            selector.close()
            try:
                for _event in parser.feed(""):
                    pass
            except (EOFError, ParseError):
                pass
