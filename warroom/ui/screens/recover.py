"""Offer back text an earlier session typed but could not save (a recovery copy)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from warroom.store.recovery import RecoveryCopy
from warroom.timeline.sanitize import sanitize

PREVIEW_LINES = 40


class RecoverDialog(ModalScreen[str]):
    """Dismisses "restore", "discard" or "later" (the copy stays, offered again next time)."""

    BINDINGS = [
        Binding("r", "answer('restore')", "Restore", id="recover.restore"),
        Binding("d", "answer('discard')", "Discard", id="recover.discard"),
        Binding("escape,l", "answer('later')", "Later", id="recover.later"),
    ]

    def __init__(self, copy: RecoveryCopy) -> None:
        super().__init__()
        self.copy = copy

    def compose(self) -> ComposeResult:
        c = self.copy
        head = Text()
        head.append(f"{c.code} has text that was typed but not saved", style="bold")
        head.append(f" (at {c.written_at}, by an earlier warroom: {sanitize(c.reason)}).\n")
        head.append("It was kept in ", style="dim")
        head.append(f"{c.path}\n", style="dim")
        lines = c.text.splitlines()
        preview = Text("\n".join(sanitize(line) for line in lines[:PREVIEW_LINES]))
        if len(lines) > PREVIEW_LINES:
            preview.append(f"\n… {len(lines) - PREVIEW_LINES} more lines", style="dim")
        with VerticalScroll(classes="dialog", id="recover-dialog") as dialog:
            dialog.border_title = "Unsaved text recovered"
            yield Static(head)
            yield Static(preview, id="recover-text")
            yield Static(Text("r restore into the editor (saved as a new version) · "
                              "d discard the copy · Esc later"), classes="dialog-hint")

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)
