"""Which milestone: one key each (s/d/a/m/r), with what each is set to now.

Shown before a milestone is set from a timeline entry or by hand, so the
responder sees what the new time would replace.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from warroom.clock import iso
from warroom.core.milestones import ORDER, Milestone, MilestoneKind, clock_skew, compact
from warroom.core.models import TimelineEvent

KEYS = {kind: kind.value[0] for kind in ORDER}  # s d a m r: the kinds' first letters


class MilestoneDialog(ModalScreen[MilestoneKind | None]):
    """Dismisses with the kind chosen, or None on Escape."""

    BINDINGS = [
        *[
            Binding(key, f"choose('{kind.value}')", kind.value.capitalize(),
                    id=f"milestone.{kind.value}")
            for kind, key in KEYS.items()
        ],
        Binding("escape,q", "cancel", "Cancel", id="milestone.cancel"),
    ]

    def __init__(
        self, title: str, current: Sequence[Milestone], *, notice: str | None = None
    ) -> None:
        super().__init__()
        self.dialog_title = title
        self.current = {m.kind: m for m in current}
        self.notice = notice

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="milestone-dialog") as dialog:
            dialog.border_title = self.dialog_title
            if self.notice:
                yield Static(Text(self.notice), classes="dialog-notice", id="milestone-notice")
            yield Static(self._choices(), id="milestone-choices")
            yield Static(Text("Press a letter to choose · Esc cancels"), classes="dialog-hint")

    def _choices(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        for n, (kind, key) in enumerate(KEYS.items()):
            if n:
                text.append("\n")
            text.append(f" {key} ", style="bold reverse")
            text.append(f" {kind.value:<13}")
            milestone = self.current.get(kind)
            if milestone is None:
                text.append("not set", style="dim")
                continue
            text.append(iso(milestone.at).replace("T", " ").rstrip("Z"))
            text.append(f"  {milestone.provenance()}", style="dim")
        return text

    def action_choose(self, kind: str) -> None:
        self.dismiss(MilestoneKind(kind))

    def action_cancel(self) -> None:
        self.dismiss(None)


def skew_mark(event: TimelineEvent) -> Text:
    """A short mark after a pinned line's time when its clock disagrees with its arrival."""
    skew = clock_skew(event)
    if skew is None:
        return Text()
    ahead = skew > timedelta(0)
    return Text(f" {'+' if ahead else '-'}{compact(abs(skew))}",
                style="bold red" if ahead else "yellow")
