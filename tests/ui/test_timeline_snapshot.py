"""Snapshot of the timeline panel (warroom tail): levels, tags, a pin, a filter."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot

from warroom.clock import FixedClock
from warroom.ui.tail_app import TailApp
from warroom.ui.widgets.log_view import LogView

LINES = {
    "checkout.log": [
        "2026-11-27T13:52:00.120Z NOTICE deploy checkout-api v2.14.0 finished",
        "2026-11-27T13:53:41.003Z ERROR POST /api/checkout 503 upstream timed out",
        "2026-11-27T13:53:42.511Z CRIT circuit breaker OPEN for payments-gateway",
        "2026-11-27T13:55:00.000Z INFO GET /api/cart/7 200 12ms [bold]literal[/]",
    ],
    "payments.log": [
        "2026-11-27 13:53:40,880 WARN [pool-3] ConnectionPool - pool at 50/50",
        "2026-11-27 13:53:41,200 ERROR [pool-3] ConnectionPool - pool exhausted",
        "2026-11-27 13:54:10,000 DEBUG [pool-3] GatewayClient - retry 3",
    ],
}


@pytest.mark.parametrize(
    "size", [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
)
def test_timeline_panel(snap_compare, tmp_path: Path, monkeypatch, size) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for name, lines in LINES.items():
        Path(name).write_text("\n".join(lines) + "\n")
    clock = FixedClock(datetime(2026, 11, 27, 14, 0, tzinfo=UTC))
    app = TailApp(sorted(LINES), [], clock=clock, force_polling=True)

    async def run_before(pilot: Pilot) -> None:
        view = app.query_one(LogView)
        deadline = time.monotonic() + 10
        while view.held < 7 and time.monotonic() < deadline:
            await pilot.pause(0.02)
        await pilot.pause(0.3)  # the backlog window, then one frame
        await pilot.press("up", "up", "p")  # pin (no incident: a warning toast)
        app.clear_notifications()
        await pilot.press("up")
        await pilot.press("s", *"pool")
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=size)
