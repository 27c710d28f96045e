"""The incident timeline: pins, notes, commands run and system events; fix, reword, remove,
insert.

Edits and removals go through the store, which records each in the audit log.
Inserting into INC-1 or INC-4, or recorded commands into INC-2's Steps Taken, is
handed back to the war room screen, which owns the artifact being edited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from warroom.clock import iso, parse_when
from warroom.core.commands import InsertSteps, status_text
from warroom.core.evidence import one_line, source_of
from warroom.core.milestones import MilestoneKind, clock_skew, describe_skew, order_problems
from warroom.core.models import EventKind, TimelineEvent
from warroom.store.db import StoreError
from warroom.store.milestones import Milestones
from warroom.ui.inert import shown
from warroom.ui.screens.milestone import MilestoneDialog, skew_mark
from warroom.ui.screens.prompt import PromptDialog

if TYPE_CHECKING:
    from warroom.ui.app import WarroomApp

KIND_STYLE = {EventKind.PIN: "bold yellow", EventKind.NOTE: "bold cyan", EventKind.SYSTEM: "dim",
              EventKind.ACTION: "bold green"}


def kind_cell(event: TimelineEvent) -> Text:
    """The entry's kind; a command's with its exit status, red when it failed."""
    kind = Text(event.kind.value, style=KIND_STYLE[event.kind])
    if event.kind is EventKind.ACTION:
        ok = event.exit_status == 0
        kind.append(f" {'✓' if ok else '✗'} {status_text(event.exit_status)}",
                    style="green" if ok else "bold red")
    return kind


class EventsScreen(ModalScreen["str | InsertSteps | None"]):
    """Dismisses with an artifact code ("INC-1", "INC-4") to insert the timeline into,
    InsertSteps for INC-2's Steps Taken, or None."""

    BINDINGS = [
        Binding("1", "insert('INC-1')", "Insert into INC-1", id="events.insert_1"),
        Binding("4", "insert('INC-4')", "Insert into INC-4", id="events.insert_4"),
        Binding("2", "insert_steps", "Commands into INC-2 Steps", id="events.insert_2"),
        Binding("space", "mark", "Mark a command", id="events.mark"),
        Binding("e", "reword", "Reword", id="events.reword"),
        Binding("t", "retime", "Fix time", id="events.retime"),
        Binding("d", "remove", "Remove", id="events.remove"),
        Binding("m", "milestone", "Milestone", id="events.milestone"),
        Binding("a", "toggle_system", "All events", id="events.system"),
        Binding("escape,q", "close", "Close", id="events.close"),
    ]

    def __init__(self, incident_id: int) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.show_system = False
        self.events: list[TimelineEvent] = []
        self.marked: set[int] = set()  # recorded commands chosen for INC-2's Steps Taken

    @property
    def wapp(self) -> WarroomApp:
        return cast("WarroomApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="events-dialog") as dialog:
            dialog.border_title = "Incident timeline"
            yield DataTable(cursor_type="row", zebra_stripes=True, id="events-table")
            yield Static("", id="events-skew", classes="dialog-notice")
            yield Static("", id="events-hint", classes="dialog-hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("time (UTC)", "kind", "entry", "source")
        self.reload()
        table.focus()

    def reload(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        self.events = [
            e
            for e in self.wapp.store.events(self.incident_id)
            if self.show_system or e.kind is not EventKind.SYSTEM
        ]
        marks = {
            m.event_id: m.kind for m in Milestones(self.wapp.store).all(self.incident_id)
            if m.event_id is not None
        }
        for event in self.events:
            kind = kind_cell(event)
            if event.id in self.marked:
                kind = Text("● ", style="bold magenta") + kind
            if event.id in marks:
                kind.append(f" ◆{marks[event.id]}", style="bold magenta")
            table.add_row(
                Text(iso(event.occurred_at).replace("T", " ").rstrip("Z")) + skew_mark(event),
                kind,
                shown(one_line(event.text, 200)),
                shown(source_of(event)),
                key=str(event.id),
            )
        if self.events:
            table.move_cursor(row=min(row, len(self.events) - 1))
        which = "all events" if self.show_system else "pins, notes and commands"
        marked = f" ({len(self.marked)} marked)" if self.marked else ""
        self.query_one("#events-hint", Static).update(
            Text(
                f"{len(self.events)} {which} · 1 insert into INC-1 Timeline · 4 into INC-4 "
                f"Detailed Timeline · space mark a command · 2 commands into INC-2 Steps Taken"
                f"{marked} · e reword · t fix time · d remove · m milestone · "
                "a all events · Esc close"
            )
        )
        self._show_skew()

    @on(DataTable.RowHighlighted)
    def _show_skew(self) -> None:
        """Say how far the highlighted line's own clock is from when it arrived, if far."""
        box = self.query_one("#events-skew", Static)
        row = self.query_one(DataTable).cursor_row
        skew = clock_skew(self.events[row]) if 0 <= row < len(self.events) else None
        box.display = skew is not None
        if skew is not None:
            box.update(Text(f"This line was {describe_skew(skew)}; its time is the line's own."))

    def _selected(self) -> TimelineEvent | None:
        table = self.query_one(DataTable)
        if not self.events:
            return None
        event = self.events[table.cursor_row]
        if event.kind is EventKind.SYSTEM:
            self.notify(
                "System events are the audit log: they stay as recorded.", severity="warning"
            )
            return None
        return event

    def action_milestone(self) -> None:
        """Set a milestone to the highlighted entry's time: "impact began at this line"."""
        if not self.events:
            return
        event = self.events[self.query_one(DataTable).cursor_row]
        book = Milestones(self.wapp.store)
        skew = clock_skew(event)

        def chosen(kind: MilestoneKind | None) -> None:
            if kind is None:
                return
            try:
                book.set_from_event(self.incident_id, kind, event.id, actor=self.wapp.actor)
            except StoreError as exc:
                self.notify(str(exc), severity="error")
                return
            problems = order_problems(book.all(self.incident_id))
            self.notify(
                f"Milestone {kind} set to {iso(event.occurred_at)}."
                + (f" Out of order: {'; '.join(problems)}." if problems else ""),
                severity="warning" if problems else "information",
                timeout=8 if problems else 3,
            )
            self.reload()

        self.app.push_screen(
            MilestoneDialog(
                f"Milestone at {iso(event.occurred_at)} ({event.kind.value} #{event.id})",
                book.all(self.incident_id),
                notice=f"This line was {describe_skew(skew)}." if skew else None,
            ),
            chosen,
        )

    def action_insert(self, code: str) -> None:
        self.dismiss(code)

    def _highlighted(self) -> TimelineEvent | None:
        row = self.query_one(DataTable).cursor_row
        return self.events[row] if 0 <= row < len(self.events) else None

    def action_mark(self) -> None:
        """Mark or unmark the highlighted command for INC-2's Steps Taken, and move on."""
        event = self._highlighted()
        if event is None or event.kind is not EventKind.ACTION:
            self.notify("Only recorded commands go into Steps Taken.", severity="warning")
            return
        self.marked ^= {event.id}
        self.reload()
        table = self.query_one(DataTable)
        table.move_cursor(row=min(table.cursor_row + 1, len(self.events) - 1))

    def action_insert_steps(self) -> None:
        """The marked commands (or the highlighted one) into INC-2's Steps Taken."""
        chosen = [e for e in self.events if e.id in self.marked]
        if not chosen:
            event = self._highlighted()
            if event is None or event.kind is not EventKind.ACTION:
                self.notify("Mark recorded commands with space first (or highlight one).",
                            severity="warning")
                return
            chosen = [event]
        self.dismiss(InsertSteps(tuple(e.id for e in chosen)))

    def action_close(self) -> None:
        self.dismiss(None)

    def action_toggle_system(self) -> None:
        self.show_system = not self.show_system
        self.reload()

    def action_reword(self) -> None:
        event = self._selected()
        if event is None:
            return

        def done(text: str | None) -> None:
            if text and text != event.text.strip():
                self.wapp.store.edit_event(event.id, actor=self.wapp.actor, text=text)
                self.reload()

        self.app.push_screen(PromptDialog("Reword the entry", value=event.text), done)

    def action_retime(self) -> None:
        event = self._selected()
        if event is None:
            return

        def check(text: str) -> str | None:
            try:
                parse_when(text)
            except ValueError as exc:
                return str(exc)
            return None

        def done(text: str | None) -> None:
            if text:
                self.wapp.store.edit_event(
                    event.id, actor=self.wapp.actor, occurred_at=parse_when(text)
                )
                self.reload()

        self.app.push_screen(
            PromptDialog(
                "Fix the time (ISO-8601; no zone means UTC)",
                value=iso(event.occurred_at),
                validate=check,
            ),
            done,
        )

    def action_remove(self) -> None:
        event = self._selected()
        if event is None:
            return
        try:
            self.wapp.store.remove_event(event.id, actor=self.wapp.actor)
        except StoreError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify("Removed; the audit log keeps a trace.", timeout=3)
        self.reload()
