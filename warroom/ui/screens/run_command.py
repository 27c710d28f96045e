"""Running a command from the war room: confirm it, stream its output, record it.

The same path as `warroom run` (warroom.timeline.recorder, Store.record_finished),
with pipes instead of a terminal: the command gets no stdin and runs in a session
of its own, so it can never take the war room's keyboard. Its output is
untrusted text: it reaches the screen through the sanitiser, into a Log widget
(which draws no markup).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Log, Static

from warroom.core.commands import status_text
from warroom.timeline.sanitize import sanitize

if TYPE_CHECKING:
    from warroom.timeline.recorder import Finished
    from warroom.ui.app import WarroomApp

_SHELL_SYNTAX = set("|&;<>()$`*?~{}\\\"'\n")


def command_argv(line: str) -> list[str]:
    """A typed line as argv: split like a shell would, or through `sh -c` when it uses shell
    syntax beyond plain words and quotes (pipes, redirections, variables, globs)."""
    words = shlex.split(line)
    plain = not (set(line) & (_SHELL_SYNTAX - {'"', "'", "\\"}))
    return words if plain else ["sh", "-c", line]


class ConfirmRun(ModalScreen[bool]):
    """Shows exactly what will run, where, and that it is recorded; y runs, n or Esc not."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Run", id="run.confirm"),
        Binding("n,escape", "answer(False)", "Cancel", id="run.cancel"),
    ]

    def __init__(self, argv: list[str], incident_id: int) -> None:
        super().__init__()
        self.argv = argv
        self.incident_id = incident_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="run-confirm") as dialog:
            dialog.border_title = "Run this command?"
            yield Static(Text(sanitize(shlex.join(self.argv)), style="bold"))
            yield Static(Text(f"in {sanitize(os.getcwd())}, as you; recorded into "
                              f"#{self.incident_id} with its output and exit status"))
            yield Static(Text("y or Enter runs · n or Esc cancels"), classes="dialog-hint")

    def action_answer(self, run: bool) -> None:
        self.dismiss(run)


class CommandOutput(ModalScreen[None]):
    """The command's output as it comes, then its status; ctrl+c interrupts it, Esc closes."""

    BINDINGS = [
        Binding("ctrl+c", "interrupt", "Interrupt", id="run.interrupt", priority=True),
        Binding("escape", "close", "Close", id="run.close"),
    ]

    def __init__(self, argv: list[str], incident_id: int) -> None:
        super().__init__()
        self.argv = argv
        self.incident_id = incident_id
        self.process: subprocess.Popen[bytes] | None = None
        self.finished: Finished | None = None

    @property
    def wapp(self) -> WarroomApp:
        return cast("WarroomApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="run-output") as dialog:
            dialog.border_title = sanitize(shlex.join(self.argv))[:80]
            yield Log(id="run-log", max_lines=5000)
            yield Static(Text("running · ctrl+c interrupts"), id="run-status",
                         classes="dialog-hint")

    def on_mount(self) -> None:
        self._run()

    def _show(self, data: bytes) -> None:
        from warroom.timeline.recorder import decoded

        self.app.call_from_thread(self.query_one(Log).write, sanitize(decoded(data),
                                                                      multiline=True))

    def _started(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process

    @work(thread=True, exclusive=True, group="run-command")
    def _run(self) -> None:
        from warroom.timeline.recorder import run_with_pipes

        finished = run_with_pipes(self.argv, self.wapp.store.clock, stdout=self._show,
                                  stderr=self._show, stdin=subprocess.DEVNULL,
                                  forward_signals=False, on_start=self._started)
        self.app.call_from_thread(self._done, finished)

    def _done(self, finished: Finished) -> None:
        self.finished = finished
        if finished.error:
            self.query_one(Log).write_line(sanitize(finished.error))
        status = self.query_one("#run-status", Static)
        with self.wapp.store_refusal("recorded"):
            event = self.wapp.store.record_finished(self.incident_id, finished,
                                                    actor=self.wapp.actor, how="war room")
            status.update(Text(f"{status_text(finished.status)} · recorded as timeline entry "
                               f"#{event.id} · Esc closes"))
            return
        status.update(Text(f"{status_text(finished.status)} · NOT recorded · Esc closes"))

    def action_interrupt(self) -> None:
        if self.process is not None and self.finished is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGINT)

    def action_close(self) -> None:
        if self.finished is None:
            self.notify("Still running: ctrl+c interrupts it first.", severity="warning")
            return
        self.dismiss(None)
