"""Declare an incident: title, severity, detection time. Dismisses with the new id."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from warroom.clock import iso, parse_when
from warroom.core.models import Severity
from warroom.store.db import StoreError

if TYPE_CHECKING:
    from warroom.ui.app import WarroomApp

# A detection time this far ahead of the clock is a typo, not skew between hosts.
_FUTURE_SLACK = timedelta(minutes=5)


class NewIncidentDialog(ModalScreen[int | None]):
    """The declare-an-incident form; Enter in any field declares, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel_new_incident")]

    @property
    def wapp(self) -> WarroomApp:
        return cast("WarroomApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="new-incident", classes="dialog") as dialog:
            dialog.border_title = "Declare an incident"
            dialog.border_subtitle = "Enter declares · Escape cancels"
            yield Label("Title: what is broken, as its users see it")
            yield Input(placeholder="e.g. Checkout returns 5xx", id="new-title")
            yield Label("Severity")
            yield Select(
                [(s.value, s) for s in Severity],
                prompt="Not assessed yet",
                allow_blank=True,
                id="new-severity",
            )
            yield Label("Detected at (ISO-8601; UTC unless a zone is given)")
            yield Input(iso(self.wapp.clock.now()), id="new-detected")
            yield Static(self._prerequisites(), id="new-prerequisites", classes="dialog-hint")
            yield Static("", id="new-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Declare", variant="primary", id="declare")
                yield Button("Cancel", id="cancel")

    def _prerequisites(self) -> Text:
        """The workflow's prerequisites (the seed's words), a checklist to glance at."""
        text = Text("Before you start:", style="bold")
        for item in self.wapp.store.workflow.prerequisites:
            text.append(f"\n☐ {item}")
        return text

    def on_mount(self) -> None:
        self.query_one("#new-error").display = False
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """The prerequisites only where they leave the form and its buttons on screen."""
        self.query_one("#new-prerequisites").display = self.app.size.height >= 30
        self.query_one("#new-title", Input).focus()

    def show_error(self, text: str, focus: str) -> None:
        """One line under the form; the dialog stays open and the bad field gets focus."""
        error = self.query_one("#new-error", Static)
        error.update(Text(text, no_wrap=True, overflow="ellipsis"))
        error.display = True
        self.query_one(focus).focus()

    @on(Select.Changed, "#new-severity")
    def _severity_chosen(self, event: Select.Changed) -> None:
        # Enter on the menu chose a severity; the next Enter should declare, not reopen it.
        if event.select.has_focus_within:
            self.query_one("#new-detected", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#declare")
    def declare(self) -> None:
        title = self.query_one("#new-title", Input).value.strip()
        if not title:
            self.show_error("A title is required.", "#new-title")
            return
        when = self.query_one("#new-detected", Input).value
        if not when.strip():
            example = iso(self.wapp.clock.now())
            self.show_error(f"A detection time is required, e.g. {example}.", "#new-detected")
            return
        try:
            detected = parse_when(when)
        except ValueError as exc:
            self.show_error(str(exc), "#new-detected")
            return
        now = self.wapp.clock.now()
        if detected > now + _FUTURE_SLACK:
            self.show_error(
                f"{iso(detected)} is in the future (now is {iso(now)}).", "#new-detected"
            )
            return
        value = self.query_one("#new-severity", Select).value
        severity = value if isinstance(value, Severity) else None
        try:
            incident = self.wapp.store.create_incident(
                title, severity=severity, detected_at=detected, actor=self.wapp.actor
            )
        except StoreError as exc:
            self.show_error(str(exc), "#new-title")
            return
        self.dismiss(incident.id)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
