"""Pilot tests of the modal dialogs on a bare App: gate, mark complete, version history, note."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Input, Markdown, OptionList, Static
from textual.widgets.markdown import MarkdownBlock

from warroom.core.gates import CriterionResult, evaluate_gate
from warroom.core.models import ArtifactVersion
from warroom.core.state import Verdict
from warroom.core.workflow import default_workflow
from warroom.resources import data_dir
from warroom.ui.screens.gate import CompleteDialog, GateDialog
from warroom.ui.screens.history import VersionHistory
from warroom.ui.screens.main import GateRequest
from warroom.ui.screens.note import NoteDialog

# anyio's pytest plugin runs the async tests (on asyncio by default).
pytestmark = pytest.mark.anyio

SIZE = (120, 40)
HOSTILE = "# Summary\n\nSee [bold]x[/] and [@click=app.quit] and [red]oops\n"


class DialogApp(App[None]):
    """Pushes one dialog on mount and records what it was dismissed with."""

    CSS_PATH = [data_dir("styles") / "dialogs.tcss"]

    def __init__(self, make: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.make = make
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.make(), self.results.append)


class FakeDecide:
    """Stands in for the screen's decide(): records requests, answers with scripted errors."""

    def __init__(self, *errors: str | None) -> None:
        self.errors = list(errors)
        self.requests: list[GateRequest] = []

    def __call__(self, request: GateRequest) -> str | None:
        self.requests.append(request)
        return self.errors.pop(0) if self.errors else None


def phase(number: int):  # noqa: ANN201 - PhaseSpec
    return default_workflow().phase(number)


def results_for(number: int) -> list[CriterionResult]:
    spec = phase(number)
    return evaluate_gate(spec, default_workflow().template(number))


def gate_app(number: int, decide: FakeDecide, markdown: str | None = None) -> DialogApp:
    spec = phase(number)
    text = markdown if markdown is not None else default_workflow().template(number)
    return DialogApp(lambda: GateDialog(spec, text, results_for(number), "alice", decide))


def version(n: int, body: str, **flags: Any) -> ArtifactVersion:
    return ArtifactVersion(
        incident_id=1, phase=1, version=n, body=body, author="bob",
        saved_at=datetime(2024, 5, 1, 14, 3, n, tzinfo=UTC), **flags,
    )


def markdown_plain(screen: Screen[Any]) -> str:
    return "\n".join(block._content.plain for block in screen.query(MarkdownBlock))


def error_text(screen: Screen[Any]) -> str:
    error = screen.query_one("#dialog-error", Static)
    return str(error.content) if error.display else ""


async def test_approve_sends_ticked_criteria_and_reviewer() -> None:
    decide = FakeDecide(None)
    app = gate_app(1, decide)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, GateDialog)
        dialog.query_one("#criterion-2", Checkbox).value = True
        dialog.query_one("#criterion-3", Checkbox).value = True
        reviewer = dialog.query_one("#gate-reviewer", Input)
        assert reviewer.value == "alice"
        reviewer.value = "carol"
        await pilot.press("f8")
        await pilot.pause()
    assert decide.requests == [GateRequest(Verdict.APPROVE, "carol", (2, 3), "")]
    assert app.results == [True]


async def test_approve_button_click_works_too() -> None:
    decide = FakeDecide(None)
    app = gate_app(1, decide)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click("#approve")
        await pilot.pause()
    assert [r.verdict for r in decide.requests] == [Verdict.APPROVE]
    assert app.results == [True]


async def test_criteria_start_unticked_and_show_automatic_results() -> None:
    app = gate_app(1, FakeDecide())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        boxes = list(app.screen.query(Checkbox))
        assert len(boxes) == len(results_for(1)) == 3
        assert not any(box.value for box in boxes)
        texts = [str(s.content) for s in app.screen.query(".criterion-text").results(Static)]
        assert all(("✓" in t) or ("✗" in t) or ("?" in t) for t in texts)
        assert "Severity is assessed." in texts[0]


async def test_error_from_decide_is_shown_and_dialog_stays() -> None:
    decide = FakeDecide("a comment is required to send INC-1 back")
    app = gate_app(1, decide)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, GateDialog)
        assert "a comment is required" in error_text(app.screen)
        assert app.results == []
        # The second try (with a comment) goes through.
        app.screen.query_one("#gate-comment", Input).value = "  need the error rate  "
        await pilot.press("f9")
        await pilot.pause()
    assert decide.requests[-1] == GateRequest(Verdict.SEND_BACK, "alice", (), "need the error rate")
    assert app.results == [True]


async def test_send_back_label_is_mitigation_insufficient_for_phase_2() -> None:
    app = gate_app(2, FakeDecide())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        label = app.screen.query_one("#send-back", Button).label.plain
        assert "Mitigation insufficient" in label
        assert "F9" in label


async def test_send_back_label_is_revise_for_phase_1() -> None:
    app = gate_app(1, FakeDecide())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Revise" in app.screen.query_one("#send-back", Button).label.plain


async def test_escape_cancels_gate_without_deciding() -> None:
    decide = FakeDecide()
    app = gate_app(1, decide)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#gate-comment", Input).focus()
        await pilot.press("escape")
        await pilot.pause()
    assert decide.requests == []
    assert app.results == [False]


async def test_markup_in_artifact_is_shown_literally() -> None:
    app = gate_app(1, FakeDecide(), markdown=HOSTILE)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, GateDialog)
        shown = markdown_plain(app.screen)
        assert "[bold]x[/]" in shown
        assert "[@click=app.quit]" in shown
        assert "[red]oops" in shown
        await pilot.click(Markdown, offset=(10, 2))
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, GateDialog)


async def test_gate_dialog_refuses_an_ungated_phase() -> None:
    with pytest.raises(ValueError, match="no gate"):
        GateDialog(phase(3), "", [], "alice", FakeDecide())


async def test_complete_dialog_completes_or_shows_error() -> None:
    answers: list[str | None] = ["INC-3 is locked", None]
    calls: list[int] = []

    def complete() -> str | None:
        calls.append(1)
        return answers.pop(0)

    app = DialogApp(lambda: CompleteDialog(phase(3), HOSTILE, complete))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "[@click=app.quit]" in markdown_plain(app.screen)
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, CompleteDialog)
        assert "INC-3 is locked" in error_text(app.screen)
        await pilot.click("#complete")
        await pilot.pause()
    assert len(calls) == 2
    assert app.results == [True]


async def test_complete_dialog_escape_cancels() -> None:
    app = DialogApp(lambda: CompleteDialog(phase(6), "# Actions", lambda: None))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [False]


def history_app(versions: list[ArtifactVersion], current: str, reason: str | None = None):  # noqa: ANN201
    return DialogApp(lambda: VersionHistory(phase(1), versions, current, reason))


async def test_history_lists_newest_first_with_flags() -> None:
    versions = [
        version(1, "one"),
        version(2, "two", conflict=True),
        version(3, "three", after_approval=True),
    ]
    app = history_app(versions, "three")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(3)]
        assert prompts[0].startswith("v3  14:03:03 UTC 2024-05-01")
        assert "after approval" in prompts[0]
        assert "conflict" in prompts[1]
        assert "bob" in prompts[2]


async def test_history_restores_highlighted_version() -> None:
    versions = [version(1, "first body\n"), version(2, "second body\n")]
    app = history_app(versions, "edited\n")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.screen.query_one("#history-text", Static)
        assert "-edited" in str(view.content)
        assert "+second body" in str(view.content)
        await pilot.press("down")  # v1
        await pilot.press("d")
        await pilot.pause()
        assert str(view.content) == "first body\n"
        await pilot.press("r")
        await pilot.pause()
    assert app.results == ["first body\n"]


async def test_history_enter_restores() -> None:
    app = history_app([version(1, "only\n")], "")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == ["only\n"]


async def test_history_restore_refused_when_read_only() -> None:
    app = history_app([version(1, "old")], "new", "phase 2 is locked until INC-1 is approved")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, VersionHistory)
        assert "Cannot restore v1: read-only" in error_text(app.screen)
        notice = app.screen.query_one("#history-read-only", Static)
        assert "locked until INC-1 is approved" in str(notice.content)
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_history_without_versions() -> None:
    app = history_app([], "text")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "No saved versions yet" in str(app.screen.query_one("#history-text", Static).content)
        await pilot.press("r")
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_history_shows_markup_literally() -> None:
    hostile = version(1, HOSTILE)
    hostile = hostile.model_copy(update={"author": "[@click=app.quit]mallory"})
    app = history_app([hostile], "plain\n")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = str(app.screen.query_one("#history-text", Static).content)
        assert "+See [bold]x[/] and [@click=app.quit] and [red]oops" in view
        prompt = str(app.screen.query_one(OptionList).get_option_at_index(0).prompt)
        assert "[@click=app.quit]mallory" in prompt
        await pilot.click("#history-view")
        await pilot.press("d")
        await pilot.pause()
        assert app.is_running


async def test_note_returns_its_text() -> None:
    app = DialogApp(NoteDialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"  rolled back deploy 42 ")
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == ["rolled back deploy 42"]


@pytest.mark.parametrize("keys", [("enter",), ("x", "escape")])
async def test_note_empty_or_cancelled_is_none(keys: tuple[str, ...]) -> None:
    app = DialogApp(NoteDialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
    assert app.results == [None]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_gate_buttons_fit_on_screen(size: tuple[int, int]) -> None:
    app = gate_app(5, FakeDecide("x " * 200))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("f8")
        await pilot.pause()
        screen_region = app.screen.region
        for button in app.screen.query(Button):
            assert screen_region.contains_region(button.region), button.id
        for box in app.screen.query(Checkbox):
            assert box.region.height >= 1

