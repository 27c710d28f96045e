"""The guide: the gate's criteria with live checks, the process checklist, the persona(s)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Markdown, Static
from textual.widgets.selection_list import Selection, SelectionList

from warroom.core.gates import CriterionResult


@dataclass(frozen=True, slots=True)
class GuideContent:
    """What the guide shows for one phase."""

    title: str
    gated: bool
    steps: tuple[str, ...]
    steps_done: frozenset[int]
    personas: tuple[tuple[str, str], ...]  # (role, markdown)


def criteria_text(results: list[CriterionResult], gated: bool) -> Text:
    """Each criterion with its automatic result; marks that read without colour."""
    text = Text()
    if not gated:
        text.append("No gate: this phase is completed, not approved.", style="dim")
        return text
    for r in results:
        if r.passed is True:
            text.append("[✓] ", style="bold green")
        elif r.passed is False:
            text.append("[✗] ", style="bold red")
        else:
            text.append("[?] ", style="bold yellow")
        text.append(f"{r.number}. {r.text}\n")
        detail = r.auto.detail if r.auto else "The reviewer judges this one."
        text.append(f"    {detail}\n", style="dim")
    return text


class GuidePanel(VerticalScroll):
    """Shows the phase's guidance; ticking a step is sent up to be saved."""

    class StepToggled(Message):
        """A process step was ticked or unticked."""

        def __init__(self, step: int, done: bool) -> None:
            super().__init__()
            self.step = step
            self.done = done

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._silent = False

    def compose(self) -> ComposeResult:
        yield Static("", id="guide-title", classes="guide-heading")
        yield Static("Gate criteria", classes="guide-heading")
        yield Static("", id="guide-criteria")
        yield Static("Process", classes="guide-heading")
        yield SelectionList[int](id="guide-steps")
        yield Markdown("", id="guide-personas")

    def show_guide(self, content: GuideContent, results: list[CriterionResult]) -> None:
        """Data down: the guidance for the phase now on screen."""
        self.query_one("#guide-title", Static).update(Text(content.title, style="bold"))
        self.show_criteria(results, content.gated)
        steps = self.query_one("#guide-steps", SelectionList)
        self._silent = True
        steps.clear_options()
        steps.add_options(
            Selection(f"{n}. {step}", n, n in content.steps_done)
            for n, step in enumerate(content.steps, start=1)
        )
        self._silent = False
        body = "\n\n".join(md for _role, md in content.personas)
        self.query_one("#guide-personas", Markdown).update(body)

    def show_criteria(self, results: list[CriterionResult], gated: bool) -> None:
        self.query_one("#guide-criteria", Static).update(criteria_text(results, gated))

    @on(SelectionList.SelectionToggled, "#guide-steps")
    def _toggled(self, event: SelectionList.SelectionToggled) -> None:
        event.stop()
        if self._silent:
            return
        step = int(event.selection.value)
        self.post_message(self.StepToggled(step, step in event.selection_list.selected))
