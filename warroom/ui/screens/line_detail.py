"""One log line in full: the whole text wrapped, with where it came from."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from warroom.timeline.records import LogRecord
from warroom.timeline.sanitize import sanitize


class LineDetail(ModalScreen[bool]):
    """Dismisses True when the user asks to pin the line."""

    BINDINGS = [
        Binding("p", "pin", "Pin", id="line.pin"),
        Binding("escape,enter,q", "close", "Close", id="line.close"),
    ]

    def __init__(self, record: LogRecord) -> None:
        super().__init__()
        self.record = record

    def compose(self) -> ComposeResult:
        r = self.record
        where = (f"{r.path}:{r.line_no}" if r.line_no is not None
                 else f"{r.path}, byte {r.offset} (its line number is counted when pinned)")
        meta = Text()
        meta.append("source ", style="dim")
        meta.append(f"{sanitize(r.tag)}  {sanitize(where)}\n")  # file names are untrusted
        meta.append("time   ", style="dim")
        meta.append(f"{r.ts.isoformat() if r.ts else 'none in the line'}  ")
        meta.append("received ", style="dim")
        meta.append(f"{r.received.isoformat(timespec='seconds')}\n")
        meta.append("level  ", style="dim")
        meta.append(f"{r.level or 'none'}   {len(r.raw):,} bytes\n")
        with VerticalScroll(classes="dialog", id="line-dialog") as dialog:
            dialog.border_title = "Log line"
            yield Static(meta)
            # The whole line (the view holds a cut copy), made safe the same way.
            yield Static(Text(sanitize(r.raw)), id="line-text")
            yield Static(Text("p pin · Esc close"), classes="dialog-hint")

    def action_pin(self) -> None:
        self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)
