"""The guide: the gate's criteria with live checks, the process checklist, the persona(s)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Markdown, OptionList, Static
from textual.widgets.option_list import Option

from warroom.core.gates import CriterionResult
from warroom.timeline.sanitize import sanitize


@dataclass(frozen=True, slots=True)
class GuideContent:
    """What the guide shows for one phase."""

    title: str
    gated: bool
    steps: tuple[str, ...]
    steps_done: frozenset[int]
    personas: tuple[tuple[str, str], ...]  # (role, markdown)


def criteria_text(results: list[CriterionResult], gated: bool) -> RenderableType:
    """Each criterion with its automatic result; marks that read without colour."""
    if not gated:
        return Text("No gate: this phase is completed, not approved.", style="dim")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3, no_wrap=True)
    grid.add_column(ratio=1)
    for r in results:
        if r.passed is True:
            mark = Text("[✓]", style="bold green")
        elif r.passed is False:
            mark = Text("[✗]", style="bold red")
        else:
            mark = Text("[?]", style="bold yellow")
        body = Text(f"{r.number}. {sanitize(r.text)}\n")
        detail = sanitize(r.auto.detail) if r.auto else "The reviewer judges this one."
        body.append(detail, style="dim")  # a check may quote the artifact
        grid.add_row(mark, body)
    return grid


class ProcessChecklist(OptionList):
    """The phase's process steps; enter or space ticks one. Marks read without colour."""

    BINDINGS = [("space", "toggle", "Tick step")]

    class Toggled(Message):
        def __init__(self, step: int, done: bool) -> None:
            super().__init__()
            self.step = step
            self.done = done

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.steps: tuple[str, ...] = ()
        self.done: set[int] = set()

    def show_steps(self, steps: tuple[str, ...], done: frozenset[int]) -> None:
        self.steps, self.done = steps, set(done)
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(Option(self._prompt(n), id=str(n)) for n in range(1, len(steps) + 1))
        if highlighted is not None and highlighted < len(steps):
            self.highlighted = highlighted

    def _prompt(self, n: int) -> Text:
        text = Text()
        if n in self.done:
            text.append("[x] ", style="bold green")
            text.append(f"{n}. {self.steps[n - 1]}", style="dim")
        else:
            text.append("[ ] ")
            text.append(f"{n}. {self.steps[n - 1]}")
        return text

    def action_toggle(self) -> None:
        if self.highlighted is not None:
            self._flip(self.highlighted + 1)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._flip(event.option_index + 1)

    def _flip(self, step: int) -> None:
        done = step not in self.done
        self.done.symmetric_difference_update({step})
        self.replace_option_prompt_at_index(step - 1, self._prompt(step))
        self.post_message(self.Toggled(step, done))


class GuidePanel(VerticalScroll):
    """Shows the phase's guidance; ticking a step is sent up to be saved."""

    class StepToggled(Message):
        """A process step was ticked or unticked."""

        def __init__(self, step: int, done: bool) -> None:
            super().__init__()
            self.step = step
            self.done = done

    def compose(self) -> ComposeResult:
        yield Static("", id="guide-title", classes="guide-heading")
        yield Static("Gate criteria", classes="guide-heading")
        yield Static("", id="guide-criteria")
        yield Static("Process (enter ticks a step)", classes="guide-heading")
        yield ProcessChecklist(id="guide-steps")
        yield Markdown("", id="guide-personas")

    def show_guide(self, content: GuideContent, results: list[CriterionResult]) -> None:
        """Data down: the guidance for the phase now on screen."""
        self.query_one("#guide-title", Static).update(Text(content.title, style="bold"))
        self.show_criteria(results, content.gated)
        self.query_one(ProcessChecklist).show_steps(content.steps, content.steps_done)
        body = "\n\n".join(md for _role, md in content.personas)
        self.query_one("#guide-personas", Markdown).update(body)

    def show_criteria(self, results: list[CriterionResult], gated: bool) -> None:
        self.query_one("#guide-criteria", Static).update(criteria_text(results, gated))

    @on(ProcessChecklist.Toggled)
    def _toggled(self, event: ProcessChecklist.Toggled) -> None:
        event.stop()
        self.post_message(self.StepToggled(event.step, event.done))
