"""The action item table: INC-5's follow-ups as rows, edited with the keyboard.

Every change is saved at once and INC-6 is regenerated from the table as a new
version, based on the war room editor's version so a concurrent save is flagged,
never lost. The war room owns the editor: this screen dismisses with True when
INC-6 changed, and the war room reloads it. Titles and owners are typed by
people, so every cell is a rich Text, never markup.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from warroom.core.actions import (
    HORIZONS,
    PRIORITIES,
    STATUSES,
    clean_title,
    cycle,
    parse_due,
    parse_task,
)
from warroom.core.models import ActionItem
from warroom.core.state import TransitionError
from warroom.resources import data_dir
from warroom.store.actions import (
    add_item,
    import_from_post_mortem,
    phase_of,
    publish_tracker,
    sync_latest,
    update_item,
)
from warroom.store.db import StoreError
from warroom.timeline.sanitize import sanitize
from warroom.ui.screens.prompt import PromptDialog

if TYPE_CHECKING:
    from warroom.ui.app import WarroomApp

#: Table columns: (field, heading). Enter on a text column asks; on a choice it cycles.
COLUMNS = (("priority", "Pri"), ("title", "Action item"), ("owner", "Owner"),
           ("horizon", "Horizon"), ("status", "Status"), ("due", "Due"))
CHOICES = {"priority": PRIORITIES, "horizon": HORIZONS, "status": STATUSES}
#: Column widths (without padding) for every column but the title, wide and narrow.
WIDTHS = {False: (3, 16, 10, 11, 10), True: (3, 10, 7, 7, 10)}
#: Around the columns: two cells of padding each, the body's padding, border, scrollbar.
CHROME = 2 * len(COLUMNS) + 2 + 2 + 1
SHORT = {"quick win": "quick", "short-term": "short", "long-term": "long", "in progress": "doing"}
PRIORITY_STYLE = {"P0": "bold red", "P1": "bold yellow", "P2": "bold"}
STATUS_STYLE = {"open": "", "in progress": "cyan", "done": "green", "dropped": "dim"}
ORIGINS = {"manual": "added in the table", "INC-6": "typed into INC-6"}
CLEAR = "-"  # typed alone in a prompt: clear the owner or the due date


class ActionItemsScreen(Screen[bool]):
    """One incident's action items; dismisses with whether INC-6 was saved anew."""

    CSS_PATH = data_dir("styles") / "actions.tcss"
    BINDINGS = [
        Binding("escape,q", "close", "Back", id="actions.close"),
        Binding("e", "edit", "Edit cell", id="actions.edit"),
        Binding("space", "toggle_done", "Done", id="actions.toggle_done"),
        Binding("a", "add", "Add", id="actions.add"),
        Binding("i", "import_items", "Import INC-5", id="actions.import"),
        Binding("s", "cycle('status')", "Status", id="actions.status"),
        Binding("h", "cycle('horizon')", "Horizon", id="actions.horizon"),
        Binding("p", "cycle('priority')", "Priority", id="actions.priority"),
        Binding("d", "due", "Due date", id="actions.due"),
        Binding("x", "drop", "Drop / restore", id="actions.drop"),
    ]

    def __init__(self, incident_id: int, *, base_version: int | None = None) -> None:
        """`base_version`: the INC-6 version the war room editor holds (None: the newest)."""
        super().__init__()
        self.incident_id = incident_id
        self.base_version = base_version
        self.items: list[ActionItem] = []
        self.read_only: str | None = None
        self.changed = False
        self._widths: list[int] = []

    @property
    def wapp(self) -> WarroomApp:
        return cast("WarroomApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="actions-body"):
            yield Static("", id="actions-title")
            yield Static("", id="actions-notice")
            yield DataTable(cursor_type="cell", zebra_stripes=True, id="actions-table")
            yield Static("", id="actions-empty")
            yield Static("", id="actions-detail")
            yield Static("", id="actions-hint")

    def on_mount(self) -> None:
        store = self.wapp.store
        incident = store.incident(self.incident_id)
        self.query_one("#actions-title", Static).update(
            Text.assemble(("Action items", "bold"), f"  {incident.ref} ", sanitize(incident.title))
        )
        self.read_only = store.machine(self.incident_id).edit_refusal(phase_of(store, "INC-6"))
        notice = self.query_one("#actions-notice", Static)
        notice.display = self.read_only is not None
        if self.read_only:
            notice.update(Text(f"Read-only: {self.read_only}."))
        else:
            self._read_back()
        self.reload()
        self.query_one(DataTable).focus()

    def on_resize(self) -> None:
        self.reload()

    def _read_back(self) -> None:
        """A hand edit of INC-6 since the table last wrote it comes into the rows first."""
        try:
            edit = sync_latest(self.wapp.store, self.incident_id, actor=self.wapp.actor)
        except (StoreError, ValueError) as exc:
            self.notify(f"Could not read INC-6 back: {exc}", severity="error")
            return
        if not edit.empty:
            self.notify(
                f"Read back the INC-6 edit: {len(edit.changes)} changed, "
                f"{len(edit.added)} added, {len(edit.dropped)} dropped.",
                title="INC-6", timeout=8,
            )

    # -- data down -----------------------------------------------------------

    def reload(self, select: int | None = None) -> None:
        """Rebuild the table from the store, keeping the cursor on the same item."""
        table = self.query_one(DataTable)
        current = self.selected
        row, column = table.cursor_coordinate
        if not table.row_count:
            column = 1  # the title: enter edits it
        self.items = self.wapp.store.action_items(self.incident_id)
        narrow = self.size.width < 100
        widths = list(WIDTHS[narrow])
        widths.insert(1, max(12, self.size.width - sum(widths) - CHROME))
        if widths != self._widths:
            self._widths = widths
            table.clear(columns=True)
            for (key, heading), width in zip(COLUMNS, widths, strict=True):
                table.add_column(heading, width=width, key=key)
        else:
            table.clear()
        today = self.wapp.clock.now().date()
        for item in self.items:
            cells = self.cells(item, today, narrow)
            table.add_row(*(_fit(c, w) for c, w in zip(cells, widths, strict=True)),
                          key=str(item.id))
        wanted = select if select is not None else (current.id if current else None)
        ids = [i.id for i in self.items]
        if wanted in ids:
            row = ids.index(wanted)
        if self.items:
            table.move_cursor(row=min(row, len(self.items) - 1), column=column)
        self._show_counts()
        self._show_detail()

    @staticmethod
    def cells(item: ActionItem, today: date, narrow: bool) -> list[Text]:
        """One row's cells; a done or dropped item is dimmed, an overdue one shows red."""
        gone = item.status == "dropped"
        look = "dim strike" if gone else ("dim" if item.status == "done" else "")
        title = Text(sanitize(item.title), style=look)  # rows come from INC-6, typed or imported
        priority = Text(sanitize(item.priority or "–"),
                        style=PRIORITY_STYLE.get(item.priority or "", "dim"))
        owner = Text(sanitize(item.owner or "—"), style="" if item.owner else "dim")
        horizon = Text(sanitize((SHORT.get(item.horizon or "") if narrow else None)
                                or item.horizon or ""))
        status_label = SHORT.get(item.status, item.status) if narrow else item.status
        status = Text(("✓ " if item.status == "done" else "") + sanitize(status_label),
                      style=STATUS_STYLE.get(item.status, ""))
        overdue = bool(item.due) and item.status in ("open", "in progress") and (
            item.due or "") < today.isoformat()
        due = Text(sanitize(item.due or ""), style="bold red" if overdue else "")
        return [priority, title, owner, horizon, status, due]

    def _show_detail(self) -> None:
        """The whole of the item under the cursor: its title may be cut in the table."""
        item = self.selected
        detail = self.query_one("#actions-detail", Static)
        detail.display = item is not None
        if item is None:
            return
        text = Text()
        text.append(f"#{item.id} ", style="bold")
        text.append(sanitize(item.title))
        if item.owner:
            text.append(f" — {sanitize(item.owner)}")
        extras = [ORIGINS.get(item.origin, f"from {item.origin}") if item.origin else None,
                  f"due {item.due}" if item.due else None,
                  f"done {item.done_at:%Y-%m-%d}" if item.done_at else None]
        if any(extras):
            text.append(sanitize("  (" + ", ".join(e for e in extras if e) + ")"), style="dim")
        detail.update(text)

    @on(DataTable.CellHighlighted, "#actions-table")
    def _cell_highlighted(self) -> None:
        self._show_detail()

    def _show_counts(self) -> None:
        counts = {s: sum(1 for i in self.items if i.status == s) for s in STATUSES}
        summary = " · ".join(f"{n} {s}" for s, n in counts.items() if n) or "no action items"
        empty = self.query_one("#actions-empty", Static)
        empty.display = not self.items
        empty.update(Text("No action items yet: i imports INC-5's recommended items, a adds one.",
                          style="italic"))
        keys = ("↵/e edit · space done · a add · i import INC-5 · s status · h horizon · "
                "p priority · d due · x drop · Esc back")
        self.query_one("#actions-hint", Static).update(Text(f"{summary}\n{keys}"))

    @property
    def selected(self) -> ActionItem | None:
        table = self.query_one(DataTable)
        if not self.items or not table.row_count:
            return None
        return self.items[min(table.cursor_row, len(self.items) - 1)]

    # -- writing -------------------------------------------------------------

    def _refused(self) -> bool:
        if self.read_only:
            self.app.bell()
            self.notify(f"Read-only: {self.read_only}.", severity="warning")
            return True
        return False

    def change(self, item: ActionItem, **fields: Any) -> None:
        """Save changed fields of one row, then regenerate INC-6."""
        if self._refused():
            return
        try:
            update_item(self.wapp.store, item.id, actor=self.wapp.actor, **fields)
        except (ValueError, StoreError) as exc:
            self.notify(str(exc), severity="error")
            return
        self.publish(select=item.id)

    def publish(self, select: int | None = None) -> None:
        """INC-6 from the table, saved as a new version on top of the one we started from."""
        try:
            result = publish_tracker(self.wapp.store, self.incident_id, actor=self.wapp.actor,
                                     base_version=self.base_version)
        except (TransitionError, StoreError) as exc:
            self.notify(f"INC-6 not regenerated: {exc}", severity="error", timeout=10)
        else:
            self.base_version = result.version.version
            self.changed = self.changed or result.created
            if result.conflict:
                self.notify(
                    f"Someone else saved INC-6 meanwhile; the table's version is kept as "
                    f"v{result.version.version} (F5 in the war room shows both).",
                    title="Concurrent edit", severity="warning", timeout=15,
                )
        self.reload(select=select)

    def ask(self, title: str, value: str, on_answer: Callable[[str], None],
            validate: Callable[[str], str | None] | None = None, placeholder: str = "") -> None:
        """A one-line prompt; `on_answer` gets the accepted text (never on Esc)."""
        def done(text: str | None) -> None:
            if text is not None:
                on_answer(text)

        self.app.push_screen(
            PromptDialog(title, value=value, placeholder=placeholder, validate=validate), done
        )

    @staticmethod
    def _error_of(check: Callable[[str], object]) -> Callable[[str], str | None]:
        """A validator from a parsing function: its ValueError's message, or None."""
        def validate(text: str) -> str | None:
            try:
                check(text)
            except ValueError as exc:
                return str(exc)
            return None

        return validate

    # -- keys ----------------------------------------------------------------

    @on(DataTable.CellSelected, "#actions-table")
    def _cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        """Edit the cell under the cursor: ask for text, or cycle a choice."""
        item = self.selected
        if item is None or self._refused():
            return
        name = COLUMNS[self.query_one(DataTable).cursor_column][0]
        if name in CHOICES:
            self.action_cycle(name)
        elif name == "due":
            self.action_due()
        elif name == "title":
            self.ask("Action item", item.title, lambda text: self.change(item, title=text),
                     self._error_of(clean_title))
        else:
            self.ask(f"Owner (a name or @handle; {CLEAR} clears)", item.owner or "",
                     lambda text: self.change(item, owner=None if text == CLEAR else text))

    def action_toggle_done(self) -> None:
        item = self.selected
        if item is not None:
            self.change(item, status="open" if item.status == "done" else "done")

    def action_cycle(self, name: str) -> None:
        item = self.selected
        if item is not None:
            self.change(item, **{name: cycle(CHOICES[name], getattr(item, name))})

    def action_drop(self) -> None:
        item = self.selected
        if item is not None:
            self.change(item, status="open" if item.status == "dropped" else "dropped")

    def action_due(self) -> None:
        item = self.selected
        if item is None or self._refused():
            return
        today = self.wapp.clock.now().date()

        def answer(text: str) -> None:
            self.change(item, due=None if text == CLEAR else parse_due(text, today))

        self.ask(f"Due date (YYYY-MM-DD, +3d, +2w; {CLEAR} clears)", item.due or "", answer,
                 self._error_of(lambda t: t == CLEAR or parse_due(t, today)))

    def action_add(self) -> None:
        if self._refused():
            return

        def answer(text: str) -> None:
            try:
                new = add_item(self.wapp.store, self.incident_id, parse_task(text),
                               actor=self.wapp.actor)
            except (ValueError, StoreError) as exc:
                self.notify(str(exc), severity="error")
                return
            self.publish(select=new.id)

        self.ask("New action item", "", answer, self._error_of(parse_task),
                 placeholder="[P1] Title — @owner (due 2026-12-04)")

    def action_import_items(self) -> None:
        """INC-5's recommended items into the table; those already here are not added twice."""
        if self._refused():
            return
        try:
            result = import_from_post_mortem(self.wapp.store, self.incident_id,
                                             actor=self.wapp.actor)
        except StoreError as exc:
            self.notify(str(exc), severity="error")
            return
        if not result.added:
            already = f" ({result.skipped} already in the table)" if result.skipped else ""
            self.notify(f"Nothing new to import from INC-5{already}.", timeout=5)
            return
        self.notify(f"Imported {len(result.added)} from INC-5.", timeout=4)
        self.publish(select=result.added[0].id)

    def action_close(self) -> None:
        self.dismiss(self.changed)


def _fit(cell: Text, width: int) -> Text:
    """Cut a cell to its column with an ellipsis, so a cut title or owner shows it is cut."""
    if cell.cell_len <= width:
        return cell
    cut = cell.copy()
    cut.truncate(width, overflow="ellipsis")
    return cut
