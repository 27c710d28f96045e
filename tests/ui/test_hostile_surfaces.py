"""Hostile text from the store reaches the terminal inert on every screen that shows it.

Each check reads what the driver would write for a full repaint of the screen
on top (the bytes a terminal receives), not the widgets' text: a Text object
built from an escape sequence looks fine in a test and still retitles a window.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import DataTable, Input, TextArea

from tests.hostile import HOSTILE, leaks
from warroom.clock import FixedClock
from warroom.core.models import EventKind
from warroom.store.store import Store
from warroom.ui.app import WarroomApp
from warroom.ui.widgets.log_view import LogView

pytestmark = pytest.mark.anyio

T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
ONE_LINE = " ".join(HOSTILE)
LOGGED = [text for text in HOSTILE if "\x00" not in text]
EVIL_NAME = "app-\x1b]0;PWNED-TITLE\x07-\u202eevil.log"


def terminal_bytes(app: App) -> bytes:
    """What the driver would send to repaint the whole screen on top, as UTF-8."""
    screen = app.screen
    update = screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    return update.render_segments(app.console).encode("utf-8", "surrogateescape")


def assert_inert(app: App, where: str) -> None:
    data = terminal_bytes(app)
    found = leaks(data)
    at = data.find(b"\x1b]")
    assert not found, f"{where}: {found} near {data[max(0, at - 80):at + 40]!r}"


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Store, int, Path]:
    """An incident whose every field came from someone else (an imported bundle, a log)."""
    log = tmp_path / EVIL_NAME
    # Without NUL: a file holding one is binary, and not shown (the pins below keep it).
    log.write_text("\n".join(LOGGED) + "\nEND-OF-LOG\n", encoding="utf-8")
    with Store.open(tmp_path / "hostile.db", clock=FixedClock(T0)) as store:
        incident = store.create_incident(ONE_LINE, actor="eve")
        template = store.artifact_text(incident.id, 1)
        store.save_artifact(incident.id, 1, template + "\n" + "\n".join(HOSTILE) + "\n",
                            actor="eve", base_version=0)
        store.add_event(incident.id, EventKind.NOTE, "\n".join(HOSTILE), actor=HOSTILE[1])
        for n, text in enumerate(HOSTILE, start=1):
            store.pin_line(incident.id, text.encode(), actor="eve", logged_at=None,
                           received_at=T0, source=str(log), position=n, level="error")
        store.add_action_item(incident.id, ONE_LINE, owner=HOSTILE[4], priority="P1")
        store.add_log_source(incident.id, "file", str(log))
        yield store, incident.id, log


def make_app(store: Store, incident_id: int | None) -> WarroomApp:
    return WarroomApp(store, actor="ana", clock=store.clock, incident_id=incident_id,
                      watch=True, autosave_delay=0.05)  # watch: the logs are followed


async def wait_for(pilot, predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        await pilot.pause(0.02)


async def test_the_war_room_and_its_dialogs(hostile) -> None:
    store, incident_id, _log = hostile
    app = make_app(store, incident_id)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(LogView)
        await wait_for(pilot, lambda: view.held >= len(LOGGED))
        await pilot.pause()
        # The header (title), the editor (body), the sidebar, the source tag, the log.
        assert_inert(app, "war room")
        editor = app.screen.query_one("#editor-text", TextArea)
        assert "\x1b]0;" in editor.text  # the text is kept whole; only the screen is spared
        assert "PWNED-TITLE" in terminal_bytes(app).decode()  # shown, as inert text
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.screen.query_one(DataTable).row_count >= len(HOSTILE)
        assert_inert(app, "incident timeline")
        await pilot.press("down", "e")  # reword: the entry prefilled in an Input
        await pilot.pause()
        assert isinstance(app.focused, Input)
        assert_inert(app, "reword prompt")
        await pilot.press("escape", "escape")
        await pilot.pause()
        view.focus()
        await pilot.press("home", "enter")
        await pilot.pause()
        assert_inert(app, "line details")
        await pilot.press("escape", "f5")
        await pilot.pause()
        assert_inert(app, "version history")
        await pilot.press("d")
        await pilot.pause()
        assert_inert(app, "version history, full text")
        await pilot.press("escape", "ctrl+g")
        await pilot.pause()
        assert_inert(app, "gate")
        await pilot.press("escape", "ctrl+r")
        await pilot.pause()
        assert_inert(app, "action items")
        await pilot.press("escape")
        await pilot.pause()
        app.screen.action_goto(2)
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        assert_inert(app, "inputs")
        app.notify(ONE_LINE, title=HOSTILE[-1])  # messages quote stored text, e.g. errors
        await pilot.pause()
        assert_inert(app, "notification")
        assert app.is_running


async def test_the_picker(hostile) -> None:
    store, _incident_id, _log = hostile
    app = make_app(store, None)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert_inert(app, "picker")
        await pilot.press(*"osc")  # a search: the snippets come from the same text
        await pilot.pause()
        assert_inert(app, "picker search")
