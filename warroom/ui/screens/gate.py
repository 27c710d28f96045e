"""Gate dialogs: review and decide a gated phase, or mark an ungated phase complete.

The dialogs hold no rules: they collect what the reviewer did and hand it to
the callable they were given, which runs the core state machine and answers
with an error to show, or None when the decision is recorded.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Markdown, Static

from warroom.core.gates import CriterionResult
from warroom.core.state import Verdict
from warroom.core.workflow import PhaseSpec
from warroom.timeline.sanitize import sanitize
from warroom.ui.screens.main import GateRequest


def key_label(key: str, label: str) -> Content:
    """A button label that shows its key; the label is data, never parsed as markup."""
    return Content.assemble((key, "bold"), " ", label)


def criterion_text(result: CriterionResult) -> Text:
    """A criterion and its automatic result; the marks read without colour too."""
    text = Text(sanitize(result.text))
    text.append("\n")
    if result.passed is True:
        text.append("✓ check passed: ", style="bold green")
    elif result.passed is False:
        text.append("✗ check failed: ", style="bold red")
    else:
        text.append("? no automatic check: ", style="bold yellow")
    detail = result.auto.detail if result.auto else "the reviewer judges this one"
    text.append(sanitize(detail), style="dim")  # may quote the artifact
    return text


def show_error(screen: ModalScreen[bool], error: str) -> None:
    """Show why the action was refused, in the dialog, which stays open."""
    box = screen.query_one("#dialog-error", Static)
    box.update(Text(sanitize(error)))
    box.display = True
    screen.app.bell()


class TickBox(Checkbox):
    """A checkbox whose state reads without colour (NO_COLOR): an X only when ticked."""

    BUTTON_INNER = " "

    def watch_value(self) -> None:
        self.BUTTON_INNER = "X" if self.value else " "
        super().watch_value()


def artifact_view(markdown: str) -> VerticalScroll:
    """The artifact rendered, in a pane the keyboard can scroll."""
    view = VerticalScroll(
        Markdown(sanitize(markdown, multiline=True), open_links=False, classes="dialog-markdown"),
        id="dialog-artifact",
    )
    view.border_title = "Artifact (↑↓ PgUp PgDn scroll)"
    return view


class GateDialog(ModalScreen[bool]):
    """Review a gated phase's artifact and approve it or send it back; True once decided."""

    BINDINGS = [
        Binding("f8", "decide('approve')", "Approve", id="gate.approve", priority=True),
        Binding("f9", "decide('send_back')", "Send back", id="gate.send_back", priority=True),
        Binding("escape", "cancel", "Cancel", id="gate.cancel"),
    ]

    def __init__(
        self,
        spec: PhaseSpec,
        markdown: str,
        results: list[CriterionResult],
        reviewer_default: str,
        decide: Callable[[GateRequest], str | None],
        changes: str | None = None,
    ) -> None:
        """`changes`: the diff against the approved version, when re-reviewing an amendment."""
        if spec.gate is None:
            raise ValueError(f"phase {spec.number} has no gate; use CompleteDialog")
        super().__init__()
        self.spec = spec
        self.markdown = markdown
        if changes:
            fence = "~~~~" if "~~~" in changes else "~~~"
            self.markdown = (f"**Amended since approval: re-review the changes**\n\n"
                             f"{fence}diff\n{changes}\n{fence}\n\n---\n\n{markdown}")
        self.results = results
        self.reviewer_default = reviewer_default
        self.decide = decide

    @property
    def send_back_label(self) -> str:
        assert self.spec.gate is not None
        return self.spec.gate.send_back.label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = Text(f"Gate: {self.spec.artifact.label}")
            yield artifact_view(self.markdown)
            with VerticalScroll(id="gate-criteria", can_focus=False):
                yield Static(
                    Text("Criteria: Tab, Space ticks (a failed check also needs a Comment)",
                         style="bold"),
                    classes="dialog-heading",
                )
                for r in self.results:
                    with Horizontal(classes="criterion"):
                        yield TickBox(
                            Text(f"{r.number}."), compact=True, id=f"criterion-{r.number}"
                        )
                        yield Static(criterion_text(r), classes="criterion-text")
            with Horizontal(id="gate-fields"):
                yield Static(Text("Reviewer", style="bold"), classes="field-label")
                yield Input(self.reviewer_default, id="gate-reviewer", compact=True)
                yield Static(Text("Comment", style="bold"), classes="field-label")
                yield Input(placeholder="why; needed to send back or override a failed check",
                            id="gate-comment", compact=True)
            yield Static("", id="dialog-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(key_label("F8", "Approve"), id="approve", variant="success",
                             compact=True)
                yield Button(key_label("F9", self.send_back_label), id="send-back",
                             variant="error", compact=True)
                yield Button(key_label("Esc", "Cancel"), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#dialog-error").display = False
        self.query_one("#dialog-artifact").focus()

    @property
    def ticked(self) -> tuple[int, ...]:
        return tuple(
            r.number for r in self.results
            if self.query_one(f"#criterion-{r.number}", Checkbox).value
        )

    def request(self, verdict: Verdict) -> GateRequest:
        """What the reviewer asked for, as typed: the core judges it."""
        comment = self.query_one("#gate-comment", Input).value.strip()
        ticked = self.ticked
        # A failed check ticked is an override: the comment is its written reason.
        overrides = {r.number: comment for r in self.results
                     if r.passed is False and r.number in ticked} if comment else {}
        return GateRequest(
            verdict=verdict,
            reviewer=self.query_one("#gate-reviewer", Input).value.strip(),
            ticked=ticked,
            comment=comment,
            overrides=overrides if verdict is Verdict.APPROVE else {},
        )

    def action_decide(self, verdict: str) -> None:
        error = self.decide(self.request(Verdict(verdict)))
        if error:
            show_error(self, error)
        else:
            self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#approve")
    def _approve(self) -> None:
        self.action_decide(Verdict.APPROVE.value)

    @on(Button.Pressed, "#send-back")
    def _send_back(self) -> None:
        self.action_decide(Verdict.SEND_BACK.value)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_cancel()

    @on(Input.Submitted, "#gate-reviewer")
    def _reviewer_entered(self) -> None:
        self.query_one("#gate-comment").focus()


class CompleteDialog(ModalScreen[bool]):
    """Mark an ungated phase (Communicate, Action Items) complete; True once completed."""

    BINDINGS = [
        Binding("f8", "complete", "Mark complete", id="complete.complete", priority=True),
        Binding("escape", "cancel", "Cancel", id="complete.cancel"),
    ]

    def __init__(
        self, spec: PhaseSpec, markdown: str, complete: Callable[[], str | None]
    ) -> None:
        super().__init__()
        self.spec = spec
        self.markdown = markdown
        self.complete = complete

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = Text(f"Complete: {self.spec.artifact.label}")
            yield artifact_view(self.markdown)
            yield Static(
                Text("This phase has no gate: marking it complete records who and when."),
                classes="dialog-hint",
            )
            yield Static("", id="dialog-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(key_label("F8", "Mark complete"), id="complete",
                             variant="success", compact=True)
                yield Button(key_label("Esc", "Cancel"), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#dialog-error").display = False
        self.query_one("#dialog-artifact").focus()

    def action_complete(self) -> None:
        error = self.complete()
        if error:
            show_error(self, error)
        else:
            self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#complete")
    def _complete(self) -> None:
        self.action_complete()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_cancel()

