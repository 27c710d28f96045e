"""The incident picker: list, filter as you type, declare a new incident, resume one.

Keys: the filter has focus when the picker opens, so typing filters at once
(like fzf); Enter opens the highlighted incident, Down (or Escape) moves into
the list, "/" comes back to the filter. "New incident" is ctrl+n everywhere,
and plain "n" too while the list has focus (in the filter, "n" types an n).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from warroom.core.models import Incident, Severity, Status

if TYPE_CHECKING:
    from warroom.ui.app import WarroomApp

_SEVERITY_STYLE = {Severity.CRITICAL: "bold red", Severity.MAJOR: "yellow", Severity.MINOR: ""}
_STATUS_STYLE = {Status.ONGOING: "bold", Status.MITIGATED: "", Status.RESOLVED: "dim"}
_COLUMNS = ("id", "title", "severity", "status", "phase", "age")


def compact_age(delta: timedelta) -> str:
    """Time since detection as a list shows it: 45s, 3m, 2h 05m, 4d."""
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes:02d}m"
    return f"{hours // 24}d"


@dataclass(frozen=True, slots=True)
class IncidentRow:
    """One incident as the picker lists it, with the text the filter searches."""

    incident: Incident
    phase: str  # "2 Mitigate · revise"
    haystack: str

    def matches(self, words: list[str]) -> bool:
        return all(word in self.haystack for word in words)


class IncidentTable(DataTable[Text]):
    """The incident list; Enter opens the highlighted incident."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Open", id="open_incident"),
        Binding("up", "cursor_up_or_leave", "Cursor up", id="incident_list_up", show=False),
    ]

    class LeftTop(Message):
        """Up was pressed on the first row: the user wants the filter."""

    def action_cursor_up_or_leave(self) -> None:
        if self.cursor_row <= 0:
            self.post_message(self.LeftTop())
        else:
            self.action_cursor_up()


class FilterInput(Input):
    """The filter line; Enter opens the highlighted match, Down goes into the list."""

    BINDINGS = [
        Binding("enter", "submit", "Open", id="open_first_match"),
        Binding("down", "screen.focus_list", "List", id="incident_list_down", show=False),
    ]


class IncidentPicker(Screen[None]):
    """Every incident in the database, newest first."""

    BINDINGS = [
        # The app hides its own keys in the footer; this screen shows the ones that matter here.
        Binding("f1", "app.help", "Help", id="picker_help"),
        Binding("ctrl+n", "new_incident", "New incident", id="new_incident"),
        Binding("n", "new_incident", "New incident", id="new_incident_n", show=False),
        Binding("slash", "focus_filter", "Filter", id="filter_incidents", key_display="/"),
        Binding("escape", "focus_list", "List", id="incident_list"),
        Binding("ctrl+q", "app.quit", "Quit", id="picker_quit", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[IncidentRow] = []

    @property
    def wapp(self) -> WarroomApp:
        return cast("WarroomApp", self.app)

    def compose(self) -> ComposeResult:
        heading = Text(no_wrap=True, overflow="ellipsis")
        heading.append(" warroom", style="bold")
        heading.append(f" — incidents in {self.wapp.store.path}")
        yield Static(heading, id="picker-heading")
        yield FilterInput(
            placeholder="Filter: id, title, severity, status, phase…", id="picker-filter"
        )
        table = IncidentTable(id="picker-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="picker-message")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Incidents"
        self.reload()
        self.query_one(FilterInput).focus()
        if self.wapp.watch:  # ages move and other responders declare incidents
            self.set_interval(30, self.reload)

    def on_screen_resume(self) -> None:
        self.reload()

    def on_resize(self) -> None:
        self._show()

    # -- data ----------------------------------------------------------------

    def reload(self) -> None:
        """Read the incidents again and redraw, keeping the highlighted one."""
        store = self.wapp.store
        rows = []
        for incident in store.incidents():
            machine = store.machine(incident.id)
            number = machine.current_phase()
            spec = store.workflow.phase(number)
            state = machine.state(number).value.replace("_", " ")
            phase = f"{number} {spec.name} · {state}"
            severity = incident.severity.value if incident.severity else "unassessed"
            haystack = " ".join(
                (f"#{incident.id}", incident.title, severity, incident.status.value, phase)
            ).lower()
            rows.append(IncidentRow(incident, phase, haystack))
        self._rows = rows
        self._show()

    def _visible(self) -> list[IncidentRow]:
        words = self.query_one(FilterInput).value.lower().split()
        return [row for row in self._rows if row.matches(words)]

    def _cells(self, row: IncidentRow, now: datetime) -> list[Text]:
        incident = row.incident
        severity = incident.severity
        return [
            Text(incident.ref),
            Text(incident.title, no_wrap=True, overflow="ellipsis"),  # user text: never markup
            Text(severity.value, style=_SEVERITY_STYLE[severity])
            if severity
            else Text("unassessed", style="dim"),
            Text(incident.status.value, style=_STATUS_STYLE[incident.status]),
            Text(row.phase),
            Text(compact_age(now - incident.detected_at), justify="right"),
        ]

    def _show(self) -> None:
        """Redraw the table from the rows the filter lets through."""
        if not self.is_mounted:
            return
        table = self.query_one(IncidentTable)
        message = self.query_one("#picker-message", Static)
        selected = self.highlighted_id()
        visible = self._visible()
        now = self.wapp.clock.now()
        cells = [self._cells(row, now) for row in visible]

        widths = [
            max([len(name), *(cell[i].cell_len for cell in cells)])
            for i, name in enumerate(_COLUMNS)
        ]
        padding = 2 * table.cell_padding * len(_COLUMNS)
        room = (table.size.width or self.size.width) - 2  # the scrollbar, when there is one
        others = sum(widths) - widths[1]
        widths[1] = max(12, room - padding - others)

        table.clear(columns=True)
        for name, width in zip(_COLUMNS, widths, strict=True):
            table.add_column(name, width=width, key=name)
        for row, row_cells in zip(visible, cells, strict=True):
            table.add_row(*row_cells, key=str(row.incident.id))

        keys = [str(row.incident.id) for row in visible]
        if selected is not None and str(selected) in keys:
            table.move_cursor(row=keys.index(str(selected)), animate=False)

        table.display = bool(visible)
        self.refresh_bindings()  # "esc List" only while there is a list to go to
        if not self._rows:
            message.update("No incidents yet. Press ctrl+n to declare one.")
        elif not visible:
            message.update(Text(f"No incident matches {self.query_one(FilterInput).value!r}."))
        else:
            ongoing = sum(r.incident.status is Status.ONGOING for r in self._rows)
            shown = (
                f"{len(visible)} of {len(self._rows)}"
                if len(visible) < len(self._rows)
                else (f"{len(self._rows)}")
            )
            message.update(
                f"{shown} incident{'s' if len(self._rows) != 1 else ''}, {ongoing} ongoing. "
                "Enter opens; ctrl+n declares a new one."
            )

    def highlighted_id(self) -> int | None:
        """The incident under the cursor, if the list shows any."""
        table = self.query_one(IncidentTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return int(key.value) if key.value is not None else None

    # -- messages up ---------------------------------------------------------

    @on(Input.Changed, "#picker-filter")
    def _filter_changed(self) -> None:
        self._show()
        table = self.query_one(IncidentTable)
        if table.row_count:
            table.move_cursor(row=0, animate=False)

    @on(Input.Submitted, "#picker-filter")
    def _filter_submitted(self) -> None:
        incident_id = self.highlighted_id()
        if incident_id is not None:
            self.wapp.open_incident(incident_id)

    @on(DataTable.RowSelected, "#picker-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.wapp.open_incident(int(event.row_key.value))

    @on(IncidentTable.LeftTop)
    def _left_top(self) -> None:
        self.action_focus_filter()

    # -- actions -------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_filter":  # already there: the footer need not offer it
            return self.focused is not self.query_one(FilterInput)
        if action == "focus_list":
            # Only from the filter, and only when there is a list to go to.
            return self.focused is self.query_one(FilterInput) and bool(self._visible())
        return True

    def action_focus_filter(self) -> None:
        self.query_one(FilterInput).focus()

    def action_focus_list(self) -> None:
        self.query_one(IncidentTable).focus()

    def action_new_incident(self) -> None:
        from warroom.ui.screens.new_incident import NewIncidentDialog

        def opened(incident_id: int | None) -> None:
            if incident_id is not None:
                self.wapp.open_incident(incident_id)

        self.app.push_screen(NewIncidentDialog(), opened)
