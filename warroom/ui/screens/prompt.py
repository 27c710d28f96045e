"""A one-line question: add a log source, fix an entry's time, reword it."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from warroom.ui.inert import InertInput


class PromptDialog(ModalScreen[str | None]):
    """Ask for one line; `validate` returns an error to show inline, or None to accept."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(
        self,
        title: str,
        *,
        value: str = "",
        placeholder: str = "",
        hint: str = "Enter accepts · Esc cancels",
        validate: Callable[[str], str | None] | None = None,
        history: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.prompt_title = title
        self.value = value
        self.placeholder = placeholder
        self.hint = hint
        self.validate = validate
        self.history = history or []  # offered as you type (→ takes the suggestion)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="prompt-dialog") as dialog:
            dialog.border_title = self.prompt_title
            suggester = SuggestFromList(self.history) if self.history else None
            yield InertInput(self.value, placeholder=self.placeholder, id="prompt-text",
                             suggester=suggester)
            yield Static("", id="prompt-error", classes="dialog-error")
            yield Static(Text(self.hint), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#prompt-error").display = False
        self.query_one("#prompt-text").focus()

    @on(Input.Submitted, "#prompt-text")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.dismiss(None)
            return
        error = self.validate(text) if self.validate else None
        if error:
            box = self.query_one("#prompt-error", Static)
            box.update(Text(error))
            box.display = True
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
