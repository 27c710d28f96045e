"""`warroom tail`: the timeline panel alone, full screen, with or without an incident."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer

from warroom.clock import Clock, SystemClock
from warroom.config import Settings
from warroom.resources import data_dir
from warroom.timeline.engine import TailEngine
from warroom.timeline.sources import TailOptions
from warroom.ui.gc_tuning import restore_gc, tune_gc
from warroom.ui.look import apply_look, prepare_look
from warroom.ui.safe_exit import SafeExit
from warroom.ui.widgets.log_view import LogView
from warroom.ui.widgets.timeline_panel import TimelinePanel

if TYPE_CHECKING:
    from warroom.store.store import Store


class TailApp(SafeExit):
    """Follow logs; `p` pins into an incident when one is given."""

    TITLE = "warroom tail"
    CSS_PATH = [data_dir("styles") / "warroom.tcss", data_dir("styles") / "dialogs.tcss"]
    BINDINGS = [Binding("ctrl+q,q", "quit", "Quit", id="tail_quit", priority=True)]
    CSS = "TimelinePanel { height: 1fr; }"

    def __init__(
        self,
        paths: list[str],
        commands: list[str],
        *,
        store: Store | None = None,
        incident_id: int | None = None,
        actor: str = "",
        clock: Clock | None = None,
        buffer_size: int | None = None,
        force_polling: bool = False,
        settings: Settings | None = None,
        keymap: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        prepare_look(self)
        self.paths, self.commands = paths, commands
        self.store, self.incident_id, self.actor = store, incident_id, actor
        self.clock = clock or SystemClock()
        self.settings = settings or Settings()
        self.keymap = keymap or {}
        timeline = self.settings.timeline
        self.buffer_size = buffer_size or timeline.lines
        self.engine = TailEngine(
            clock=self.clock,
            buffer_size=self.buffer_size,
            options=TailOptions(
                force_polling=force_polling or timeline.poll,
                backlog=timeline.backlog,
                poll_interval=timeline.poll_interval,
            ),
        )

    def compose(self) -> ComposeResult:
        yield TimelinePanel(max_lines=self.buffer_size, id="timeline-panel")
        yield Footer()

    def on_mount(self) -> None:
        tune_gc()
        apply_look(self, self.settings, self.keymap)
        for path in self.paths:
            self.engine.add_path(path)
        for command in self.commands:
            self.engine.add_command(command)
        panel = self.query_one(TimelinePanel)
        panel.attach(self.engine)
        self.query_one(LogView).focus()

    def on_unmount(self) -> None:
        self.engine.close(timeout=2)
        restore_gc()

    @on(LogView.PinRequested)
    def _pin(self, event: LogView.PinRequested) -> None:
        if self.store is None or self.incident_id is None:
            self.notify(
                "No incident to pin into: run `warroom tail --incident ID ...`.", severity="warning"
            )
            return
        record = event.record
        with self.store_refusal("pinned"):
            self.store.pin_record(self.incident_id, record, actor=self.actor)
            self.query_one(LogView).mark_pinned(record.seq)
            self.notify(f"Pinned into incident #{self.incident_id}.", timeout=3)
