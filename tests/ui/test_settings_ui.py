"""The config file's settings reach the screens: remapped keys, the theme, the lines held."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.ui.test_timeline_panel import T0, wait_for, write_log
from warroom.clock import FixedClock
from warroom.config import Settings, TimelineSettings
from warroom.core.models import EventKind
from warroom.store.store import Store
from warroom.ui.app import WarroomApp
from warroom.ui.screens.help import HelpScreen, key_groups
from warroom.ui.tail_app import TailApp
from warroom.ui.widgets.log_view import LogView

pytestmark = pytest.mark.anyio

SETTINGS = Settings(
    theme="nord",
    timeline=TimelineSettings(lines=150, backlog=5, poll=True),
    keys={"log_pin": "P", "gate": "f10"},
)


@pytest.fixture(autouse=True)
def _colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)  # NO_COLOR would override the theme
    monkeypatch.setenv("TERM", "xterm-256color")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store.open(tmp_path / "s.db", clock=FixedClock(T0)) as store:
        yield store


async def test_tail_takes_the_theme_keys_and_timeline_settings(tmp_path: Path,
                                                              store: Store) -> None:
    log = tmp_path / "app.log"
    write_log(log, [f"2026-11-27T13:5{n}:00Z INFO request {n} ok" for n in range(10)])
    incident = store.create_incident("x", actor="ana")
    app = TailApp([str(log)], [], store=store, incident_id=incident.id, actor="ana",
                  settings=SETTINGS, keymap=SETTINGS.keys)
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(LogView)
        await wait_for(pilot, lambda: view.held == 5)  # the backlog: the last 5 lines
        assert app.theme == "nord"
        assert view.max_lines == 150
        assert app.engine.options.force_polling
        await pilot.press("p")  # no longer the pin key
        await pilot.pause()
        assert not view.pinned
        await pilot.press("P")
        await pilot.pause()
        assert view.pinned == {view.current.seq}
    assert [e.kind for e in store.events(incident.id)].count(EventKind.PIN) == 1


def test_a_swap_of_two_keys_is_no_clash() -> None:
    from warroom.ui.keys import check_keymap

    swap = {"log_pin": "l", "log_level": "p"}
    assert check_keymap(swap) == swap
    clash = re.escape("'ctrl+s' is already Save (save) in WarRoomScreen:")
    with pytest.raises(ValueError, match=clash):
        check_keymap({"note": "ctrl+s"})


async def test_no_color_wins_over_the_theme(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = TailApp([str(tmp_path / "none.log")], [], settings=SETTINGS)
    async with app.run_test(size=(80, 24)):
        assert app.theme == "ansi-dark"


async def test_war_room_remapped_gate_key_and_help_show_it(store: Store) -> None:
    incident = store.create_incident("x", actor="ana")
    app = WarroomApp(store, actor="ana", clock=store.clock, incident_id=incident.id,
                     watch=False, settings=SETTINGS, keymap=SETTINGS.keys)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "nord"
        lines = [line for group in key_groups(app.screen) for line in group.lines]
        assert ("f10", "Gate") in lines  # help reads the live bindings, remapped
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert type(app.screen).__name__ == "WarRoomScreen"
        await pilot.press("f10")
        await pilot.pause()
        assert type(app.screen).__name__ == "GateDialog"
        await pilot.press("escape", "f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
