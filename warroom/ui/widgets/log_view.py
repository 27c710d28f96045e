"""The live log stream: a line-API view that renders only the rows on screen.

Lines arrive already sanitised (warroom.timeline.sanitize) and are drawn as
Segments, never parsed as markup. Memory is bounded: the view keeps at most
`max_lines` records and counts what it let go.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, tzinfo

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from warroom.timeline.filter import LineFilter
from warroom.timeline.records import LogRecord
from warroom.timeline.zones import display_time, get_zone

LEVEL_LABEL = {
    "trace": "TRACE",
    "debug": "DEBUG",
    "info": "INFO ",
    "notice": "NOTE ",
    "warning": "WARN ",
    "error": "ERROR",
    "critical": "CRIT ",
}
LEVEL_STYLE = {
    "trace": Style(dim=True),
    "debug": Style(dim=True),
    "info": Style(color="green"),
    "notice": Style(color="cyan"),
    "warning": Style(color="yellow", bold=True),
    "error": Style(color="red", bold=True),
    "critical": Style(color="white", bgcolor="red", bold=True),
}
# Errors stand out on the whole line, not only in the level column.
LINE_STYLE = {"error": Style(color="red"), "critical": Style(color="red", bold=True)}
TAG_COLOURS = (
    "cyan",
    "magenta",
    "blue",
    "green",
    "yellow",
    "bright_cyan",
    "bright_magenta",
    "bright_blue",
)
DIM = Style(dim=True)
MATCH = Style(reverse=True, bold=True)
CURSOR = Style(reverse=True)
PIN = Style(color="yellow", bold=True)
CUT = Style(color="yellow")


def _clock(ts: datetime | None, received: datetime, zone: tzinfo) -> tuple[str, Style | None]:
    """The time a row shows, in the display zone; the arrival time (dim) for a line with none."""
    if ts is not None:
        return display_time(ts, zone), None
    return display_time(received, zone), DIM


class LogView(ScrollView, can_focus=True):
    """Interleaved lines from every source, follow or paused, filtered, searchable."""

    DEFAULT_CSS = """
    LogView { background: $surface; }
    """

    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "home", "Oldest", show=False),
        Binding("end,f", "follow", "Follow", id="log_follow"),
        Binding("p", "pin", "Pin line", id="log_pin"),
        Binding("enter", "detail", "Whole line", id="log_detail"),
        Binding("n", "next_match(1)", "Next match", id="log_next", show=False),
        Binding("N", "next_match(-1)", "Previous match", id="log_previous", show=False),
    ]

    following: reactive[bool] = reactive(True)

    class PinRequested(Message):
        """The user asked to pin the line under the cursor into the incident timeline."""

        def __init__(self, record: LogRecord) -> None:
            super().__init__()
            self.record = record

    class StateChanged(Message):
        """Follow mode or counts changed: the panel's status line should say so."""

    def on_mount(self) -> None:
        settings = getattr(self.app, "settings", None)
        if settings is not None:  # both apps carry the settings (config display_tz, --tz)
            self.display_zone = get_zone(settings.display_tz)

    def __init__(self, *, max_lines: int = 100_000, id: str | None = None) -> None:
        super().__init__(id=id)
        self.max_lines = max_lines
        self.display_zone: tzinfo = UTC  # where times are shown (config display_tz, --tz)
        self._all: list[LogRecord] = []
        self._view: list[LogRecord] = []
        self.filter = LineFilter()
        self.search: re.Pattern[str] | None = None
        self.cursor = 0
        self.pinned: set[int] = set()
        self.dropped = 0
        self._width = 0
        self._cache: LRUCache[tuple[int, int, bool, bool, int], Strip] = LRUCache(512)
        self._generation = 0  # bumps when filter/search change, invalidating cached rows
        self._tag_styles: dict[str, Style] = {}

    def tag_style(self, tag: str) -> Style:
        """Each source its own colour, handed out in the order sources first show up."""
        style = self._tag_styles.get(tag)
        if style is None:
            colour = TAG_COLOURS[len(self._tag_styles) % len(TAG_COLOURS)]
            style = self._tag_styles[tag] = Style(color=colour, bold=True)
        return style

    # -- data down -----------------------------------------------------------

    @property
    def held(self) -> int:
        return len(self._all)

    @property
    def shown(self) -> int:
        return len(self._view)

    def add_records(self, records: Iterable[LogRecord]) -> None:
        """Append new lines; trims the oldest beyond max_lines (counted as dropped)."""
        new = list(records)
        if not new:
            return
        self._all.extend(new)
        self._view.extend(new if self.filter.empty else self.filter.select(new))
        excess = len(self._all) - self.max_lines
        if excess > self.max_lines // 10:  # trim in chunks: amortised O(1) per line
            cut = self._all[excess].seq
            del self._all[:excess]
            self.dropped += excess
            keep = next((i for i, r in enumerate(self._view) if r.seq >= cut), len(self._view))
            del self._view[:keep]
            self.cursor = max(0, self.cursor - keep)
            self._cache.clear()
        self._resize()
        if self.following:
            self.cursor = max(0, len(self._view) - 1)
            self.scroll_end(animate=False, immediate=True, x_axis=False, force=True)
        self.post_message(self.StateChanged())

    def count_missed(self, missed: int) -> None:
        """Lines the engine dropped before the view saw them."""
        self.dropped += missed

    def set_filter(self, flt: LineFilter) -> None:
        current = self._view[self.cursor] if self._view else None
        # Typing one more character or raising the level only looks at what is shown.
        self._view = flt.select(self._view if flt.narrows(self.filter) else self._all)
        self.filter = flt
        self._generation += 1
        self._cache.clear()
        self._resize()
        if self.following or current is None:
            self.cursor = max(0, len(self._view) - 1)
            self.scroll_end(animate=False, immediate=True, x_axis=False, force=True)
        else:  # stay near the line that was under the cursor
            self.cursor = next(
                (i for i, r in enumerate(self._view) if r.seq >= current.seq),
                max(0, len(self._view) - 1),
            )
            self._show_cursor()
        self.refresh()
        self.post_message(self.StateChanged())

    def set_search(self, text: str) -> None:
        self.search = LineFilter(text).pattern
        self._generation += 1
        self._cache.clear()
        self.refresh()
        if self.search is not None:
            self.action_next_match(1, include_current=True)

    def mark_pinned(self, seq: int) -> None:
        self.pinned.add(seq)
        self._cache.clear()
        self.refresh()

    @property
    def current(self) -> LogRecord | None:
        return self._view[self.cursor] if 0 <= self.cursor < len(self._view) else None

    # -- rendering -----------------------------------------------------------

    def _resize(self) -> None:
        self.virtual_size = Size(0, len(self._view))  # rows are cut to width: no sideways scroll

    def on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self._resize()
        if self.following:  # after the new size is laid out, or the end is computed too early
            self.call_after_refresh(self.scroll_end, animate=False, immediate=True, x_axis=False)

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        if index >= len(self._view):
            return Strip.blank(width, self.rich_style)
        record = self._view[index]
        key = (record.seq, width, index == self.cursor, record.seq in self.pinned, self._generation)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._render_record(record, width, key[2], key[3])
            self._cache[key] = strip
        return strip

    def _render_record(self, record: LogRecord, width: int, cursor: bool, pinned: bool) -> Strip:
        clock, clock_style = _clock(record.ts, record.received, self.display_zone)
        level = record.level or ""
        line_style = LINE_STYLE.get(level)
        segments = [
            Segment("*" if pinned else " ", PIN),
            Segment(clock, clock_style),
            Segment(" "),
            Segment(LEVEL_LABEL.get(level, "     "), LEVEL_STYLE.get(level)),
            Segment(" "),
            Segment(f"{record.tag[:10]:<10}", self.tag_style(record.tag)),
            Segment(" "),
        ]
        segments += self._highlighted(record.text, line_style)
        if record.cut:  # a huge line: say at the row's end how much of it is not shown
            marker = Segment(f"…[+{record.cut:,} bytes]", CUT)
            room = max(0, width - marker.cell_length)
            segments = [*Strip(segments).crop(0, room), marker]
        strip = Strip(segments).crop(0, width)
        if cursor:
            strip = strip.apply_style(CURSOR)
        return strip.extend_cell_length(width, CURSOR if cursor else None)

    def _highlighted(self, text: str, base: Style | None) -> list[Segment]:
        """The line's text with filter and search matches marked."""
        spans: list[tuple[int, int]] = []
        for pattern in (self.filter.pattern, self.search):
            if pattern is not None:
                spans += [m.span() for m in pattern.finditer(text) if m.end() > m.start()]
        if not spans:
            return [Segment(text, base)]
        spans.sort()
        out, pos = [], 0
        for start, end in spans:
            if start < pos:
                start = pos
            if start >= end:
                continue
            out.append(Segment(text[pos:start], base))
            out.append(Segment(text[start:end], MATCH))
            pos = end
        out.append(Segment(text[pos:], base))
        return out

    # -- moving --------------------------------------------------------------

    def _show_cursor(self) -> None:
        top = int(self.scroll_offset.y)
        height = self.size.height
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)
        self.refresh()

    def _pause(self) -> None:
        if self.following:
            self.following = False
            self.post_message(self.StateChanged())

    def action_cursor(self, delta: int) -> None:
        if not self._view:
            return
        self.cursor = min(max(0, self.cursor + delta), len(self._view) - 1)
        if delta < 0:
            self._pause()
        elif self.cursor == len(self._view) - 1:
            self.action_follow()
            return
        self._show_cursor()

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.size.height - 1))

    def action_home(self) -> None:
        self._pause()
        self.cursor = 0
        self._show_cursor()

    def action_follow(self) -> None:
        """Resume following: jump to the newest line and stay there."""
        self.following = True
        self.cursor = max(0, len(self._view) - 1)
        self.scroll_end(animate=False, immediate=True, x_axis=False, force=True)
        self.refresh()
        self.post_message(self.StateChanged())

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._pause()  # reading back through the stream: stop jumping to the end
        super()._on_mouse_scroll_up(event)

    def action_pin(self) -> None:
        record = self.current
        if record is not None:
            self._request_pin(record)

    def _request_pin(self, record: LogRecord) -> None:
        """Ask for a pin, unless the line is blank: an empty entry is no evidence (and the
        store refuses one)."""
        if not record.raw.strip():
            self.app.bell()
            self.notify("This line is empty: nothing to pin.", severity="warning", timeout=3)
            return
        self.post_message(self.PinRequested(record))

    def action_detail(self) -> None:
        from warroom.ui.screens.line_detail import LineDetail

        record = self.current
        if record is None:
            return

        def pin(wanted: bool | None) -> None:
            if wanted:
                self._request_pin(record)

        self.app.push_screen(LineDetail(record), pin)

    def action_next_match(self, direction: int, include_current: bool = False) -> None:
        """Move to the next (or previous) line matching the search, wrapping around."""
        if self.search is None or not self._view:
            return
        count = len(self._view)
        start = self.cursor if include_current else self.cursor + direction
        for step in range(count):
            i = (start + direction * step) % count
            if self.search.search(self._view[i].text):
                self._pause()
                self.cursor = i
                self._show_cursor()
                return
        self.app.bell()
        self.notify("No line held matches the search.", severity="warning", timeout=3)
