"""The palette finds a phase by its artifact code, as responders say it ("INC-4")."""

from __future__ import annotations

from pathlib import Path

import pytest

from warroom.store.store import Store
from warroom.ui.app import WarroomApp

pytestmark = pytest.mark.anyio


async def test_the_palette_names_each_phase_with_its_code(tmp_path: Path) -> None:
    with Store.open(tmp_path / "palette.db") as store:
        store.create_incident("Checkout 5xx", actor="ana")
        app = WarroomApp(store, actor="ana", incident_id=1, watch=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            titles = [c.title for c in app.screen.palette_commands()]
    assert "Go to phase 4: Root Cause [INC-4]" in titles
