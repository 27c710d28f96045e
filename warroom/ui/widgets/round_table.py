"""The post-mortem round table beside the INC-5 editor: criteria, hints, roles and questions.

One keyboard list: the gate criteria (with blame findings) on top, then the
hints from the record, then each role of the panel with its questions and the
newest answer to each. The widget holds no rules: it shows what it is given and
asks the screen, by message, to answer a question or insert a line into INC-5.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from warroom.core.gates import CriterionResult
from warroom.core.hints import SECTION_HEADINGS, Hint, HintSection, infer_section
from warroom.core.panel import PanelAnswer, PanelRole
from warroom.timeline.sanitize import sanitize

_HINT_MARK = {"well": "[+]", "poorly": "[-]", "lessons": "[>]"}
_KEYS = "↵ answer · i insert · w p l"


@dataclass(frozen=True)
class RoundTableContent:
    """What the round table shows for one incident's post-mortem."""

    roles: tuple[PanelRole, ...]
    answers: dict[tuple[str, str], PanelAnswer]  # the newest per (role, question)
    hints: tuple[Hint, ...]
    inserted: frozenset[str] = frozenset()  # hint texts already in INC-5
    results: tuple[CriterionResult, ...] = ()
    problem: str | None = None  # e.g. the panel guide is missing


def _row(mark: Text, body: Text) -> RenderableType:
    """A mark and a body with a hanging indent, so wrapped lines stay under the text."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=len(mark.plain), no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(mark, body)
    return grid


def _criterion(result: CriterionResult) -> RenderableType:
    if result.passed is True:
        mark = Text("[✓]", style="bold green")
    elif result.passed is False:
        mark = Text("[✗]", style="bold red")
    else:
        mark = Text("[?]", style="bold yellow")
    body = Text(f"{result.number}. {sanitize(result.text)}")
    if result.passed is not True:
        body.append("\n")
        detail = sanitize(result.auto.detail) if result.auto else "The reviewer judges this one."
        body.append(detail, style="dim")
    return _row(mark, body)


def _heading(title: str, detail: str = "") -> Text:
    text = Text(title, style="bold")
    if detail:
        text.append(f"\n{detail}", style="dim italic")
    return text


class RoundTable(OptionList):
    """Answer the panel's questions and pull hints and answers into INC-5, by keyboard."""

    BINDINGS = [
        Binding("i", "insert", "Insert", id="round_table.insert", show=False),
        Binding("w", "insert('well')", "Into Went Well", id="round_table.well", show=False),
        Binding("p", "insert('poorly')", "Into Went Poorly", id="round_table.poorly",
                show=False),
        Binding("l", "insert('lessons')", "Into Lessons", id="round_table.lessons", show=False),
    ]

    class AnswerRequested(Message):
        """Answer (or re-answer) a question of the panel."""

        def __init__(self, role: str, question: str, current: str) -> None:
            super().__init__()
            self.role = role
            self.question = question
            self.current = current

    class InsertRequested(Message):
        """Put a line into a section of the post-mortem, through the editor."""

        def __init__(self, heading: str, text: str) -> None:
            super().__init__()
            self.heading = heading
            self.text = text

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Round table"
        self.border_subtitle = _KEYS
        self.content: RoundTableContent | None = None
        self._targets: dict[str, Hint | tuple[str, str]] = {}

    def show(self, content: RoundTableContent) -> None:
        """Data down: rebuild the list, keeping the highlight where it was."""
        if content == self.content:
            return
        self.content = content
        highlighted, scroll = self.highlighted, self.scroll_y
        self._targets = {}
        self.set_options(self._options_for(content))
        if highlighted is not None and highlighted < self.option_count:
            self.highlighted = highlighted
            self.scroll_to(y=scroll, animate=False, immediate=True)
            self.call_after_refresh(self.scroll_to_highlight)  # an answer made it taller
        else:
            self.action_first()
            self.scroll_home(animate=False, immediate=True)

    def _options_for(self, content: RoundTableContent) -> list[Option | None]:
        options: list[Option | None] = []
        if content.results:
            options.append(Option(_heading("Gate criteria"), disabled=True))
            options += [Option(_criterion(r), disabled=True) for r in content.results]
        options += [None, Option(_heading("From the record"), disabled=True)]
        if not content.hints:
            options.append(Option(Text("Nothing notable recorded yet.", style="dim"),
                                  disabled=True))
        for n, hint in enumerate(content.hints):
            body = Text(sanitize(hint.text))  # hints quote the record
            if hint.text in content.inserted:
                body.append("  ✓ in INC-5", style="bold green")
            self._targets[f"hint-{n}"] = hint
            options.append(Option(_row(Text(_HINT_MARK[hint.section], style="bold"), body),
                                  id=f"hint-{n}"))
        if content.problem:
            options.append(Option(Text(sanitize(content.problem), style="bold red"), disabled=True))
        for r, role in enumerate(content.roles):
            options.append(None)
            options.append(Option(_heading(role.name, role.description), disabled=True))
            for q, question in enumerate(role.questions):
                body = Text(question)
                answer = content.answers.get((role.name, question))
                if answer is not None:
                    body.append("\n→ ", style="bold")
                    body.append(sanitize(answer.answer))
                    body.append(f" ({sanitize(answer.author)})", style="dim")
                self._targets[f"q-{r}-{q}"] = (role.name, question)
                options.append(Option(_row(Text("?", style="bold"), body), id=f"q-{r}-{q}"))
        return options

    def _target(self) -> Hint | tuple[str, str] | None:
        if self.highlighted is None:
            return None
        option = self.get_option_at_index(self.highlighted)
        return self._targets.get(option.id or "")

    def action_cursor_up(self) -> None:
        """Up from the first item scrolls back to the criteria above it."""
        before = self.highlighted
        super().action_cursor_up()
        if self.highlighted == before or self.highlighted is None:
            self.scroll_home(animate=False)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        target = self._targets.get(event.option.id or "")
        if isinstance(target, Hint):
            self.post_message(self.InsertRequested(target.heading, target.text))
        elif target is not None and self.content is not None:
            answer = self.content.answers.get(target)
            self.post_message(self.AnswerRequested(*target, answer.answer if answer else ""))

    def action_insert(self, section: HintSection | None = None) -> None:
        """Insert the highlighted hint or answer; into `section`, or where it belongs."""
        target = self._target()
        if isinstance(target, Hint):
            heading = SECTION_HEADINGS[section] if section else target.heading
            self.post_message(self.InsertRequested(heading, target.text))
            return
        answer = self.content.answers.get(target) if target and self.content else None
        if answer is None:
            self.notify("Answer the question first (enter), then insert the answer.",
                        severity="warning", timeout=4)
            return
        heading = SECTION_HEADINGS[section or infer_section(answer.answer)]
        self.post_message(self.InsertRequested(heading, answer.answer))
