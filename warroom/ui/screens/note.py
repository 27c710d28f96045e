"""Add a note to the incident timeline: one line, Enter adds it, Escape cancels."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class NoteDialog(ModalScreen[str | None]):
    """Ask for a note; the result is its text, or None when cancelled or empty."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="note.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="note-dialog") as dialog:
            dialog.border_title = "Add a note to the incident timeline"
            yield Input(
                placeholder="What happened, what was decided, who does what", id="note-text"
            )
            yield Static(Text("Enter adds the note · Esc cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#note-text").focus()

    @on(Input.Submitted, "#note-text")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
