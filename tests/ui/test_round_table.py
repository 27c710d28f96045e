"""The post-mortem round table beside INC-5: roles and questions, answers, hints into INC-5."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from warroom.clock import FixedClock
from warroom.core.state import Verdict
from warroom.store import post_mortem
from warroom.store.store import Store
from warroom.ui.app import WarroomApp
from warroom.ui.widgets.guide import GuidePanel
from warroom.ui.widgets.round_table import RoundTable

pytestmark = pytest.mark.anyio

FILLED = Path(__file__).parent.parent / "fixtures" / "filled"
T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
HINT = ("The first mitigation was not enough: INC-2 was judged Mitigation insufficient once: "
        "“Restart did not hold”.")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "rt.db", clock=FixedClock(T0)) as s:
        yield s


def at_post_mortem(store: Store) -> int:
    """Phases 1-4 passed, INC-2 once judged Mitigation insufficient; resumed at phase 5."""
    incident = store.create_incident("Checkout 5xx", actor="ana").id
    for n in range(1, 5):
        store.save_artifact(incident, n, (FILLED / f"INC-{n}.md").read_text(), actor="ana")
        if n == 2:
            store.decide(incident, 2, Verdict.SEND_BACK, reviewer="bo",
                         comment="Restart did not hold")
        if store.workflow.phase(n).gated:
            store.decide(incident, n, Verdict.APPROVE, reviewer="bo")
        else:
            store.complete(incident, n, actor="ana")
    store.update_incident(incident, last_phase=5)
    return incident


def make_app(store: Store, incident_id: int) -> WarroomApp:
    return WarroomApp(store, actor="ana", clock=store.clock, incident_id=incident_id,
                      watch=False, autosave_delay=0.05)


def _plain(renderable: Any) -> str:
    """What a prompt or a Static says, as plain text on one wide line per row."""
    console = Console(width=400, no_color=True, record=True, file=io.StringIO())
    console.print(renderable)
    return " ".join(console.export_text().split())


def prompts(table: RoundTable) -> str:
    """Every option of the list as plain text, for assertions."""
    return "\n".join(_plain(option.prompt) for option in table.options)


def select(table: RoundTable, option_id: str) -> None:
    table.highlighted = table.get_option_index(option_id)


async def open_table(pilot: Pilot[Any]) -> RoundTable:
    await pilot.pause()
    await pilot.press("ctrl+f")
    await pilot.pause()
    table = pilot.app.screen.query_one(RoundTable)
    assert table.has_focus
    return table


async def test_phase_5_shows_the_roles_and_questions(store: Store) -> None:
    incident = at_post_mortem(store)
    async with make_app(store, incident).run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        table = screen.query_one(RoundTable)
        assert table.display
        assert not screen.query_one(GuidePanel).display
        text = prompts(table)
        for role in ("Facilitator", "Incident Commander", "SRE / On-call Responder",
                     "Customer / Support Liaison", "Security and Quality"):
            assert role in text
        assert "Was the next-update promise kept each time?" in text
        assert "Post-mortem is blameless." in text  # the gate's criteria stay in view
        assert HINT in text
        # Another phase: the guide is back, the round table away.
        await pilot.press("alt+4")
        await pilot.pause()
        assert not table.display
        assert screen.query_one(GuidePanel).display


async def test_answer_a_question_it_is_saved_and_shown(store: Store) -> None:
    incident = at_post_mortem(store)
    async with make_app(store, incident).run_test(size=(120, 40)) as pilot:
        table = await open_table(pilot)
        select(table, "q-0-0")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen.focused, Input)
        await pilot.press(*"Yes, from the pinned logs", "enter")
        await pilot.pause()
        [answer] = post_mortem.answers(store, incident)
        assert (answer.role, answer.author) == ("Facilitator", "ana")
        assert answer.question == "Does everyone agree the timeline is accurate and complete?"
        assert answer.answer == "Yes, from the pinned logs"
        assert "→ Yes, from the pinned logs (ana)" in prompts(table)
        assert table.highlighted == table.get_option_index("q-0-0")  # the cursor stays

        # Re-answering opens with the answer to edit; the new one is kept beside the old.
        await pilot.press("enter")
        await pilot.pause()
        field = pilot.app.screen.query_one("#prompt-text", Input)
        assert field.value == "Yes, from the pinned logs"
        await pilot.press("end", *"; the 13:52 deploy was missing", "enter")
        await pilot.pause()
        assert len(post_mortem.answers(store, incident)) == 2
        assert "deploy was missing (ana)" in prompts(table)


async def test_insert_a_hint_and_an_answer_into_inc5(store: Store) -> None:
    incident = at_post_mortem(store)
    post_mortem.add_answer(store, incident, "Facilitator",
                           "What is the one change that would have helped most?",
                           "Next time, alert on pool saturation", actor="bo")
    async with make_app(store, incident).run_test(size=(120, 40)) as pilot:
        table = await open_table(pilot)
        hint = next(i for i, o in enumerate(table.options) if HINT in _plain(o.prompt))
        table.highlighted = hint
        await pilot.press("i")
        await pilot.pause(0.2)
        editor = pilot.app.screen.query_one("#editor-text", TextArea)
        assert f"## What Went Poorly\n- {HINT}\n" in editor.text
        assert "- <Item>\n- ...\n\n## What Went Poorly" in editor.text  # Went Well untouched
        saved = store.artifact_text(incident, 5)
        assert f"- {HINT}" in saved
        assert "✓ in INC-5" in _plain(table.get_option_at_index(hint).prompt)

        # An answer: "i" puts it where it reads (a lesson), "w" where the reviewer says.
        select(table, "q-0-4")
        await pilot.press("i")
        await pilot.pause(0.2)
        assert "## Lessons Learned\n- Next time, alert on pool saturation\n" in editor.text
        await pilot.press("w")
        await pilot.pause(0.2)
        assert "## What Went Well\n- Next time, alert on pool saturation\n" in editor.text
        assert store.artifact_text(incident, 5) == editor.text

        # An unanswered question has nothing to insert yet.
        select(table, "q-1-0")
        await pilot.press("i")
        await pilot.pause()
        assert store.artifact_text(incident, 5) == editor.text


async def test_blame_shows_in_the_round_table_and_the_gate(store: Store) -> None:
    incident = at_post_mortem(store)
    text = (FILLED / "INC-5.md").read_text().replace(
        "- The first mitigation (restart) cost 10 minutes", "- bo didn't escalate to payments")
    store.save_artifact(incident, 5, text, actor="ana")
    async with make_app(store, incident).run_test(size=(120, 40)) as pilot:
        table = await open_table(pilot)
        finding = '"bo" as the subject of "didn\'t" in What Went Poorly'
        assert finding in prompts(table)
        await pilot.press("ctrl+f")  # the guide instead: the same finding in its criteria
        await pilot.pause()
        guide = pilot.app.screen.query_one(GuidePanel)
        assert guide.display
        assert not table.display
        criteria = pilot.app.screen.query_one("#guide-criteria", Static)
        assert finding in _plain(criteria.content)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert type(pilot.app.screen).__name__ == "GateDialog"
        detail = pilot.app.screen.query_one(".criterion-text", Static)
        assert finding in _plain(detail.content)
        await pilot.press("f8")  # not ticked: refused
        await pilot.pause()
        assert type(pilot.app.screen).__name__ == "GateDialog"
        pilot.app.screen.query_one("#criterion-1").value = True  # the reviewer's judgment
        await pilot.press("f8")  # a failed check ticked needs a written reason (issue 15)
        await pilot.pause()
        assert type(pilot.app.screen).__name__ == "GateDialog"
        assert "needs a written reason" in str(
            pilot.app.screen.query_one("#dialog-error", Static).render())
        pilot.app.screen.query_one("#gate-comment", Input).value = "bo asked to keep it"
        await pilot.press("f8")
        await pilot.pause()
    decision = store.decisions(incident, 5)[-1]
    assert decision.criteria_ticked == (1,)
    assert decision.overrides == {1: "bo asked to keep it"}


async def test_insert_is_refused_while_phase_5_is_locked(store: Store) -> None:
    incident = store.create_incident("Checkout 5xx", actor="ana").id
    store.update_incident(incident, last_phase=5)
    async with make_app(store, incident).run_test(size=(120, 40)) as pilot:
        table = await open_table(pilot)
        assert "Nothing notable recorded yet." in prompts(table)
        post_mortem.add_answer(store, incident, "Facilitator",
                               "Is every action item concrete, owned and prioritized?",
                               "Yes", actor="ana")
        pilot.app.screen.open_phase(5)
        await pilot.pause()
        select(table, "q-0-5")
        await pilot.press("w")
        await pilot.pause()
    assert store.artifact_versions(incident, 5) == []
