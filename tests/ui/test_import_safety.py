"""An imported incident runs nothing until asked; a row changed by hand never crashes the list."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.ui.test_timeline_panel import wait_for
from warroom.clock import FixedClock
from warroom.export.bundle import export_bundle, import_bundle
from warroom.store.store import Store
from warroom.ui.app import WarroomApp
from warroom.ui.screens.main import WarRoomScreen
from warroom.ui.screens.picker import IncidentPicker, IncidentTable

pytestmark = pytest.mark.anyio

T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


def imported(tmp_path: Path, marker: Path) -> Store:
    """This host's database, holding an incident imported from a bundle made elsewhere."""
    with Store.open(tmp_path / "theirs.db", clock=FixedClock(T0)) as theirs:
        incident = theirs.create_incident("Checkout 5xx", actor="eve")
        theirs.add_log_source(incident.id, "cmd", f"touch {marker}")
        theirs.add_log_source(incident.id, "file", "/etc/shadow")
        bundle = export_bundle(theirs, incident.id)
    store = Store.open(tmp_path / "here.db", clock=FixedClock(T0))
    import_bundle(store, bundle)
    return store


async def test_opening_an_imported_incident_runs_nothing_until_a_source_is_chosen(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "ran"
    store = imported(tmp_path, marker)
    app = WarroomApp(store, actor="ana", clock=store.clock, incident_id=1, watch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(1.0)  # long enough for `touch` to have run, had it been started
        assert not marker.exists()
        from warroom.ui.screens.sources import SourcesDialog

        await wait_for(pilot, lambda: isinstance(app.screen, SourcesDialog))
        room = app.screen_stack[-2]
        assert isinstance(room, WarRoomScreen)
        assert room.engine is None
        listed = app.screen.query_one("#sources-list")
        shown = "".join(listed.render_line(y).text.strip() for y in range(listed.size.height))
        assert f"command touch {marker}".replace(" ", "") in shown.replace(" ", "")
        await pilot.press("escape")  # leave them off
        await pilot.pause(0.5)
        assert not marker.exists()
        assert [s.enabled for s in store.log_sources(1)] == [False, False]

        room.action_review_sources()  # also in the palette: "Imported log sources"
        await wait_for(pilot, lambda: isinstance(app.screen, SourcesDialog))
        await pilot.press("enter")  # yes to the first one, the command, only
        await wait_for(pilot, marker.exists)
        assert [s.enabled for s in store.log_sources(1)] == [True, False]
        assert isinstance(app.screen, SourcesDialog)  # /etc/shadow still waits for an answer
        await pilot.press("escape")
    audit = [e.text for e in store.events(1)]
    assert f"Log source 1 enabled: command: touch {marker}" in audit
    store.close()


async def test_the_picker_lists_a_row_changed_by_hand_as_unreadable(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "bad.db", clock=FixedClock(T0))
    for title in ("First", "Second"):
        store.create_incident(title, actor="ana")
    with sqlite3.connect(store.path) as conn:
        conn.execute("update incidents set severity = 'Pwned' where id = 2")
    app = WarroomApp(store, actor="ana", clock=store.clock, watch=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(IncidentTable)
        shown = [[c.plain for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert shown[0][:2] == [
            "#2", "unreadable: severity 'Pwned' is not one of Critical, Major, Minor"
        ]
        assert shown[1][:2] == ["#1", "First"]
        await pilot.press("down", "enter")  # the unreadable one: said, not opened
        await pilot.pause()
        assert isinstance(app.screen, IncidentPicker)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, WarRoomScreen)
        assert app.screen.incident_id == 1
    store.close()
