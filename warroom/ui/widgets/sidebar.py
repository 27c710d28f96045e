"""The phase sidebar: six phases, their states and gate markers; moving opens a phase."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from warroom.core.models import PhaseView
from warroom.core.state import PhaseState

# A mark per state that reads without colour too.
STATE_MARKS: dict[PhaseState, tuple[str, str]] = {
    PhaseState.LOCKED: ("·", "dim"),
    PhaseState.ACTIVE: ("▶", "bold"),
    PhaseState.IN_REVIEW: ("?", "bold yellow"),
    PhaseState.REVISE: ("↺", "bold red"),
    PhaseState.APPROVED: ("✓", "bold green"),
    PhaseState.COMPLETED: ("✓", "bold green"),
    PhaseState.AMENDED: ("✎", "bold magenta"),
}


class PhaseSidebar(OptionList):
    """Lists the phases; highlighting one asks the screen to open it."""

    # f9 then a digit: two keys that work in every terminal (alt+digit does not).
    BINDINGS = [
        Binding(str(n), f"jump({n})", f"Phase {n}", id=f"sidebar_phase_{n}", show=False)
        for n in range(1, 10)
    ]

    class Selected(Message):
        """The user moved to a phase; `chosen` (a digit, enter) means to work in it now."""

        def __init__(self, number: int, *, chosen: bool = False) -> None:
            super().__init__()
            self.number = number
            self.chosen = chosen

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._phases: list[PhaseView] = []
        self._compact = False
        self._silent = False

    def show_phases(self, phases: list[PhaseView], selected: int, *, compact: bool = False) -> None:
        """Data down: redraw the phases and highlight the one on screen."""
        self._phases = phases
        self._compact = compact
        self._silent = True
        self.clear_options()
        self.add_options([Option(self._label(p), id=str(p.number)) for p in phases])
        self.highlighted = selected - 1
        self._silent = False

    def action_jump(self, number: int) -> None:
        """f9 then a digit: open that phase and land in its editor (typing goes there)."""
        if 1 <= number <= len(self._phases):
            self._silent = True
            self.highlighted = number - 1
            self._silent = False
            self.post_message(self.Selected(number, chosen=True))

    def _label(self, phase: PhaseView) -> Text:
        mark, style = STATE_MARKS[phase.state]
        label = Text(no_wrap=True, overflow="ellipsis")
        label.append(f"{mark} ", style=style)
        label.append(
            f"{phase.number} {phase.name}", style="dim" if phase.state is PhaseState.LOCKED else ""
        )
        label.append("\n  ")
        if not self._compact:  # at 80 columns the number already names the artifact
            label.append(f"{phase.code} ", style="dim")
        label.append("gate " if phase.gated else "     ", style="dim")
        label.append(phase.state.value.replace("_", " "), style=style)
        return label

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if not self._silent and event.option.id is not None:
            self.post_message(self.Selected(int(event.option.id)))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Selected(int(event.option.id), chosen=True))
