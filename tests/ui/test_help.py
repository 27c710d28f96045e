"""Pilot tests of the help screen: every key of the screen below, read from its bindings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer

from warroom.clock import FixedClock
from warroom.core.models import Severity
from warroom.store.store import Store
from warroom.ui.app import WarroomApp
from warroom.ui.screens.help import HelpScreen, KeyGroup, key_groups
from warroom.ui.screens.picker import IncidentPicker

pytestmark = pytest.mark.anyio

T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def store(tmp_path: Path, clock: FixedClock) -> Iterator[Store]:
    with Store.open(tmp_path / "help.db", clock=clock) as s:
        s.create_incident("Checkout 5xx", severity=Severity.CRITICAL, actor="ana")
        yield s


def make_app(store: Store, clock: FixedClock, **kwargs: object) -> WarroomApp:
    return WarroomApp(store, actor="tester", clock=clock, watch=False, **kwargs)  # type: ignore[arg-type]


def group(help_screen: HelpScreen, title: str) -> KeyGroup:
    return next(g for g in help_screen.groups if g.title == title)


async def test_help_lists_the_war_room_keys_and_closes_with_escape(
    store: Store, clock: FixedClock
) -> None:
    app = make_app(store, clock, incident_id=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        war_room = app.screen
        assert type(war_room).__name__ == "WarRoomScreen"
        await pilot.press("f1")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        titles = [g.title for g in help_screen.groups]
        assert titles[:2] == ["War room", "App"]  # the screen's own keys first
        assert "Editor" in titles
        own = dict((desc, keys) for keys, desc in group(help_screen, "War room").lines)
        assert own["Gate"] == "^g"
        assert own["Versions"] == "f5"
        assert own["Note"] == "^n"
        assert own["Phase 6"] == "alt+6"  # hidden from the footer, listed here
        app_keys = dict((desc, keys) for keys, desc in group(help_screen, "App").lines)
        assert app_keys["Quit"] == "^q"
        assert app_keys["Incidents"] == "^o"
        editor = dict((desc, keys) for keys, desc in group(help_screen, "Editor").lines)
        assert editor["Undo"].startswith("^z")
        assert editor["Redo"].startswith("^y")
        assert editor["Select line"] == "f6"
        assert editor["Select all"] == "f7"
        text = help_screen.text()
        assert "^g — Gate" in text
        assert "ctrl+p opens the command palette: every action is there" in text
        assert "`warroom config --keys` lists their ids" in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is war_room


async def test_help_explains_phases_and_gates(store: Store, clock: FixedClock) -> None:
    app = make_app(store, clock, incident_id=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        paragraph = str(app.screen.query_one(".help-phases").render())
        assert "6 phases" in paragraph
        assert "1 Triage" in paragraph
        assert "6 Action Items" in paragraph
        assert "A gate follows phases 1, 2, 4 and 5" in paragraph
        assert "Mitigation insufficient" in paragraph
        assert "(^g in the war room)" in paragraph
        assert "Phases 3 and 6 have no gate" in paragraph
        assert "marked complete" in paragraph


async def test_help_on_the_picker_lists_its_keys_and_f1_or_q_closes(
    store: Store, clock: FixedClock
) -> None:
    app = make_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, IncidentPicker)
        await pilot.press("escape")  # into the list: "n" works there too
        await pilot.press("f1")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        own = dict((desc, keys) for keys, desc in group(help_screen, "Incident picker").lines)
        assert own["New incident"] == "^n, n"
        assert own["Filter"] == "/"
        table = dict((desc, keys) for keys, desc in group(help_screen, "Incident table").lines)
        assert table["Open"] == "⏎"
        # No text editor on the picker: no "Editor" group to wade through.
        assert "Editor" not in [g.title for g in help_screen.groups]
        await pilot.press("end")  # scrolls, at 80x24, without error
        await pilot.press("f1")
        await pilot.pause()
        assert app.screen is picker
        await pilot.press("f1")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is picker


class _TeaScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+t", "tea", "Make tea", id="tea"),
        Binding("ctrl+l", "never", "Never shown", id="never"),
    ]

    def compose(self) -> ComposeResult:
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action != "never"

    def action_tea(self) -> None:
        pass


class _TeaApp(App[None]):
    BINDINGS = [Binding("f9", "bell", "Ring", id="ring")]

    def on_mount(self) -> None:
        self.push_screen(_TeaScreen())


async def test_help_is_built_from_the_bindings_not_a_list() -> None:
    app = _TeaApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        groups = {g.title: g.lines for g in key_groups(app.screen)}
        assert groups["Tea"] == [("^t", "Make tea")]  # a disabled action is not listed
        assert ("f9", "Ring") in groups["App"]
        assert any(desc.startswith("Command palette") for _keys, desc in groups["App"])
        app.push_screen(HelpScreen(app.screen))  # works without a store: no phases paragraph
        await pilot.pause()
        assert not app.screen.query(".help-phases")
