"""Focus never swallows typing: whatever a responder did last, what they type lands somewhere.

Each rule from the issue is one test: escape returns to the editor, f4 again
leaves the logs, choosing a phase lands in its editor, a gate decision lands
in the next phase's editor, the log panel shows when its keys are live, and a
paste outside an editor goes into it (or is refused aloud).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual import events
from textual.widgets import TextArea

from warroom.clock import FixedClock
from warroom.core.state import Verdict
from warroom.store.store import Store
from warroom.ui.app import WarroomApp
from warroom.ui.screens.main import WarRoomScreen

pytestmark = pytest.mark.anyio

FILLED = Path(__file__).parent.parent / "fixtures" / "filled"
T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "focus.db", clock=FixedClock(T0)) as s:
        s.create_incident("Checkout 5xx", actor="ana")
        yield s


def make_app(store: Store) -> WarroomApp:
    return WarroomApp(store, actor="ana", clock=store.clock, incident_id=1, watch=False,
                      autosave_delay=0.05)


def editor(app: WarroomApp) -> TextArea:
    return app.screen.query_one("#editor-text", TextArea)


def pass_inc1(store: Store) -> None:
    store.save_artifact(1, 1, (FILLED / "INC-1.md").read_text(), actor="ana")
    store.decide(1, 1, Verdict.APPROVE, reviewer="rita", criteria_ticked=[])


async def test_escape_leaves_the_logs_for_the_editor_and_typing_lands_there(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f4")
        assert app.focused is app.screen.query_one("#log-view")
        await pilot.press("escape")
        assert app.focused is editor(app)
        await pilot.press("home", *"pls fix")
        await pilot.pause()
        assert editor(app).text.startswith("pls fix")
        assert store.events(1) == [] or all(e.kind.value != "pin" for e in store.events(1))


async def test_escape_from_the_filter_box_closes_it_then_goes_to_the_editor(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f4", "slash")
        box = app.screen.query_one("#timeline-filter")
        assert box.has_focus
        await pilot.press("escape")
        assert not box.display
        assert app.focused is app.screen.query_one("#log-view")
        await pilot.press("escape")
        assert app.focused is editor(app)


async def test_f4_again_leaves_the_logs(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f4")
        await pilot.press("f4")
        assert not app.screen.query_one("#timeline").display
        assert app.focused is editor(app)


async def test_the_log_panel_shows_when_its_keys_are_live(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        timeline = app.screen.query_one("#timeline")
        await pilot.press("f4")
        assert timeline.has_class("-keys-here")
        assert "LOGS have the keys" in str(timeline.border_title)
        await pilot.press("escape")
        assert not timeline.has_class("-keys-here")
        assert "LOGS have the keys" not in str(timeline.border_title)


async def test_choosing_a_phase_by_number_lands_in_its_editor(store: Store) -> None:
    pass_inc1(store)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WarRoomScreen)
        await pilot.press("f9", "2")
        await pilot.pause()
        assert screen.phase == 2
        assert app.focused is editor(app)
        await pilot.press("ctrl+home", *"typed")
        await pilot.pause()
        assert "typed" in editor(app).text


async def test_arrows_in_the_phase_list_browse_and_enter_lands_in_the_editor(
    store: Store,
) -> None:
    pass_inc1(store)
    store.update_incident(1, last_phase=1)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f9", "down")
        await pilot.pause()
        assert app.screen.phase == 2
        assert app.focused is app.screen.query_one("#sidebar")
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is editor(app)


async def test_after_a_decision_taken_from_the_logs_focus_is_in_the_next_editor(
    store: Store,
) -> None:
    store.save_artifact(1, 1, (FILLED / "INC-1.md").read_text(), actor="ana")
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f4")  # the logs have focus when the gate opens
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("f8")
        await pilot.pause()
        await pilot.pause()
        assert app.screen.phase == 2
        assert app.focused is editor(app)
        pasted = "\n".join(f"line {n}" for n in range(19))
        app.post_message(events.Paste(pasted))
        await pilot.pause()
        assert pasted in editor(app).text


async def test_a_paste_in_the_phase_list_goes_into_the_editor(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f9")
        assert app.focused is app.screen.query_one("#sidebar")
        app.post_message(events.Paste("Checkout pods OOM-killed"))
        await pilot.pause()
        assert "Checkout pods OOM-killed" in editor(app).text
        assert app.focused is editor(app)


async def test_a_paste_into_a_read_only_phase_is_refused_aloud(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f9", "down")  # phase 2 is locked: read-only
        await pilot.pause()
        before = editor(app).text
        app.post_message(events.Paste("lost?"))
        await pilot.pause()
        assert editor(app).text == before
        assert any("Paste not inserted" in n.message for n in app._notifications)
