"""The timeline panel: source states and counts, the live log view, filter and search inputs.

The panel drains a TailEngine handed down by its screen. A thread worker waits
on the engine and only posts a `LinesReady` signal (coalesced, at most one per
frame); the lines are taken from the engine on the UI thread, in one batch, so
a UI that falls behind makes the engine drop (and count) old lines instead of
queueing messages without bound.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from warroom.timeline.engine import TailEngine
from warroom.timeline.filter import LineFilter
from warroom.timeline.records import SourceEvent, SourceState, state_text
from warroom.timeline.sanitize import sanitize
from warroom.ui.widgets.log_view import LogView

STATE_STYLE = {
    SourceState.FOLLOWING: "green",
    SourceState.RUNNING: "green",
    SourceState.WAITING: "yellow",
    SourceState.ROTATED: "cyan",
    SourceState.TRUNCATED: "cyan",
    SourceState.UNREADABLE: "red",
    SourceState.BINARY: "red",
    SourceState.DELETED: "yellow",
    SourceState.EXITED: "yellow",
    SourceState.FAILED: "red",
    SourceState.STOPPED: "dim",
}
FRAME = 1 / 60
# More lines than this in one frame (30,000 a second) and the panel is redrawn at
# half the frame rate: the drawing is what competes with keys for the interpreter.
BUSY_FRAME_LINES = 500
# Longest wait for the sources' backlogs before showing them (each source's first
# report comes with its backlog, so the wait usually ends as soon as all reported).
BACKLOG_WINDOW = 0.25  # seconds
MIN_LEVELS: tuple[str | None, ...] = (None, "debug", "info", "warning", "error")


class TimelinePanel(Vertical):
    """Live logs from every source of the incident."""

    BINDINGS = [
        Binding("slash", "filter", "Filter", id="log_filter"),
        Binding("l", "cycle_level", "Level", id="log_level"),
        Binding("s", "search", "Search", id="log_search"),
        Binding("r", "restart_commands", "Restart cmds", id="log_restart", show=False),
        Binding("escape", "close_inputs", "Close", show=False),
    ]

    class LinesReady(Message):
        """New lines wait in the engine (posted from its thread; coalesced)."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, TimelinePanel.LinesReady)

    def __init__(self, *, max_lines: int = 100_000, id: str | None = None) -> None:
        super().__init__(id=id)
        self.engine: TailEngine | None = None
        self.max_lines = max_lines
        self._states: dict[str, SourceEvent] = {}
        self._min_level: str | None = None
        self._backlog: list | None = None  # lines held back while the sources read their backlog
        self._filter_text = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="timeline-status")
        yield LogView(max_lines=self.max_lines, id="log-view")
        yield Input(
            placeholder="filter: text, or /regex/ (esc closes)", id="timeline-filter", compact=True
        )
        yield Input(
            placeholder="search: text, or /regex/; n / N next, previous",
            id="timeline-search",
            compact=True,
        )

    def on_mount(self) -> None:
        for name in ("#timeline-filter", "#timeline-search"):
            self.query_one(name).display = False
        self._status()

    @property
    def view(self) -> LogView:
        return self.query_one(LogView)

    # -- data down -----------------------------------------------------------

    def attach(self, engine: TailEngine) -> None:
        """Start showing an engine's lines (an engine made without on_batch)."""
        first = self.engine is None
        self.engine = engine
        if first:
            self._backlog = []
            self.set_timer(BACKLOG_WINDOW, self._flush_backlog)
        self._drain()
        self._status()
        if first:
            self._pump()

    @work(thread=True, exclusive=True, group="timeline-pump")
    def _pump(self) -> None:
        """Wait for lines in the engine; signal the UI at most once a frame."""
        worker = get_current_worker()
        engine = self.engine
        assert engine is not None
        while not worker.is_cancelled:
            if engine.wait(0.5):
                busy = engine.undrained > BUSY_FRAME_LINES
                self.post_message(self.LinesReady())
                time.sleep(2 * FRAME if busy else FRAME)

    @on(LinesReady)
    def _lines_ready(self) -> None:
        self._drain()

    def _flush_backlog(self) -> None:
        """Each source's last lines arrive one source after another: interleave them by time."""
        if self._backlog is None:
            return
        records, self._backlog = self._backlog, None
        records.sort(key=lambda r: (r.ts or r.received).timestamp())
        self.view.add_records(records)
        self._drain()
        self._status()  # a source with no lines at all still shows its state

    def _drain(self) -> None:
        if self.engine is None:
            return
        batch = self.engine.drain()
        if self._backlog is not None:
            self._backlog.extend(batch.records)
            batch.records = []
        for event in batch.events:
            self._states[event.source_id] = event
        if self._backlog is not None and self.engine.sources.keys() <= self._states.keys():
            self._flush_backlog()  # every source has read its backlog: no need to wait
            return
        view = self.view
        if batch.missed:
            view.count_missed(batch.missed)
        view.add_records(batch.records)
        if batch.events and not batch.records:
            self._status()

    # -- status line ---------------------------------------------------------

    @on(LogView.StateChanged)
    def _status(self) -> None:
        view = self.view
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(
            " FOLLOW " if view.following else " PAUSED ",
            style="bold reverse" if view.following else "bold yellow reverse",
        )
        line.append(f" {view.shown:,}/{view.held:,} lines")
        if view.dropped:
            line.append(f", {view.dropped:,} dropped", style="yellow")
        described = view.filter.describe()
        if described:
            line.append(f"  {described}", style="bold")
        if view.filter.error:
            line.append(f" ({view.filter.error})", style="red")
        if self.engine is None or not self.engine.sources:
            line.append(
                "  no log sources: ctrl+l adds one (a file, a glob or !command)", style="dim"
            )
        for source_id, source in self.engine.sources.items() if self.engine else ():
            event = self._states.get(source_id)
            line.append("  ")
            line.append(sanitize(source.tag), style=view.tag_style(source.tag))  # a file name
            if event is not None:
                state = sanitize(state_text(event))  # may name a file
                line.append(f" {state}", style=STATE_STYLE.get(event.state, ""))
        self.query_one("#timeline-status", Static).update(line)

    # -- filter and search ---------------------------------------------------

    def action_filter(self) -> None:
        box = self.query_one("#timeline-filter", Input)
        box.display = True
        box.focus()

    def action_search(self) -> None:
        box = self.query_one("#timeline-search", Input)
        box.display = True
        box.focus()

    def action_cycle_level(self) -> None:
        index = MIN_LEVELS.index(self._min_level)
        self._min_level = MIN_LEVELS[(index + 1) % len(MIN_LEVELS)]
        self.view.set_filter(LineFilter(self._filter_text, self._min_level))

    def action_restart_commands(self) -> None:
        """Run again every command source that has exited or failed to start."""
        if self.engine is None:
            return
        ended = [
            source_id for source_id, event in self._states.items()
            if event.state in (SourceState.EXITED, SourceState.FAILED)
        ]
        for source_id in ended:
            self.engine.restart(source_id)
        self.notify(f"Restarted {len(ended)} command source(s)." if ended
                    else "No command source has ended.", timeout=3)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape closes an open filter or search box; otherwise it goes on to the screen."""
        if action == "close_inputs":
            return any(box.has_focus for box in self.query(Input))
        return True

    def action_close_inputs(self) -> None:
        for name in ("#timeline-filter", "#timeline-search"):
            box = self.query_one(name, Input)
            if box.has_focus or not box.value:
                box.display = False
        self.view.focus()

    @on(Input.Changed, "#timeline-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._filter_text = event.value
        self.view.set_filter(LineFilter(event.value, self._min_level))

    @on(Input.Submitted, "#timeline-filter")
    def _filter_done(self) -> None:
        self.view.focus()

    @on(Input.Changed, "#timeline-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.view.set_search(event.value)

    @on(Input.Submitted, "#timeline-search")
    def _search_done(self) -> None:
        self.view.focus()
