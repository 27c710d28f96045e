"""Opening the gate to look, then cancelling, changes nothing: no state, no record."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import OptionList

from warroom.clock import FixedClock
from warroom.store.store import Store
from warroom.ui.app import WarroomApp

pytestmark = pytest.mark.anyio

FILLED = Path(__file__).parent.parent / "fixtures" / "filled"
T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "gate.db", clock=FixedClock(T0)) as s:
        s.create_incident("Checkout 5xx", actor="ana")
        s.save_artifact(1, 1, (FILLED / "INC-1.md").read_text(), actor="ana")
        yield s


async def test_opening_the_gate_and_cancelling_changes_nothing(store: Store) -> None:
    before = ([p.state for p in store.phases(1)], len(store.events(1)))
    app = WarroomApp(store, actor="ana", clock=store.clock, incident_id=1, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert type(app.screen).__name__ == "GateDialog"
        await pilot.press("escape")
        await pilot.pause()
        sidebar = app.screen.query_one("#sidebar", OptionList)
        assert "in review" not in str(sidebar.get_option_at_index(0).prompt)
    assert ([p.state for p in store.phases(1)], len(store.events(1))) == before
    assert store.decisions(1) == []
