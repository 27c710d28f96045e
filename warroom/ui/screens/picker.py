"""The incident picker: list, filter and search as you type, declare a new incident, resume one.

Keys: the filter has focus when the picker opens, so typing filters at once
(like fzf); Enter opens the highlighted incident, Down (or Escape) moves into
the list, "/" comes back to the filter. "New incident" is ctrl+n everywhere,
and plain "n" too while the list has focus (in the filter, "n" types an n).

The same box searches the history: from three letters on, the words are
also looked for in every incident's record (titles, artifacts, timeline) by
a thread worker with its own connection, and the incidents found that way
join the list below the instant matches, each with where it matched. Three
letters, because shorter prefixes match most of the index and say nothing,
and because the instant filter already covers ids like #3. Tokens such as
sev:critical status:ongoing since:7d until:2026-11-30 filter at once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, cast

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static
from textual.worker import get_current_worker

from warroom.core.models import Incident, Severity, Status
from warroom.store.db import UnreadableRow
from warroom.store.search import Match, SearchHit, search_incidents
from warroom.store.search_syntax import SearchRequest, marked_segments, parse_search, query_terms
from warroom.store.store import Store
from warroom.timeline.sanitize import sanitize

if TYPE_CHECKING:
    from warroom.ui.app import WarroomApp

_SEVERITY_STYLE = {Severity.CRITICAL: "bold red", Severity.MAJOR: "yellow", Severity.MINOR: ""}
_STATUS_STYLE = {
    Status.ONGOING: "bold", Status.MITIGATED: "", Status.RESOLVED: "dim", Status.CLOSED: "dim",
}
_COLUMNS = ("id", "title", "severity", "status", "phase", "age")
_MATCHED = Style(bold=True, underline=True)  # a matched word; reads without colour too
MIN_SEARCH = 3  # letters and digits before the record is searched, not just the list
SEARCH_DELAY = 0.12  # seconds a search waits for the next key before it starts
PLACEHOLDER = 'Filter or search: words "a phrase" sev:critical status:ongoing since:7d'


def wants_search(request: SearchRequest) -> bool:
    """Whether the box's words are worth a full-text search of the record."""
    letters = sum(ch.isalnum() for ch in request.text)
    return letters >= MIN_SEARCH and bool(query_terms(request.text))


def match_line(match: Match, width: int) -> Text:
    """Where an incident matched, and the snippet with the matched words highlighted.

    On a narrow column the snippet's start is cut, at a word, so the first match shows.
    """
    # The snippet quotes stored text: made safe piece by piece, the marks kept.
    pieces = [(sanitize(text), marked) for text, marked in marked_segments(match.snippet)]
    plain = "".join(text for text, _marked in pieces)
    lead, first = 0, 0
    for text, marked in pieces:
        if marked:
            first = len(text)
            break
        lead += len(text)
    room = width - len(match.where) - 6  # the indent, ": ", "…" and the cut's own "…"
    cut = max(0, lead + first - room)
    if cut:
        before = plain.rfind(" ", 0, cut + 1) + 1  # the word the cut falls in, whole
        after = plain.find(" ", cut, lead) + 1  # or the next word, if that does not fit
        cut = before if before and lead + first - before <= room else after or cut
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(f"  {sanitize(match.where)}: ", style="dim")
    if cut:
        line.append("…", style="dim")
    for text, marked in pieces:
        if cut >= len(text):
            cut -= len(text)
            continue
        line.append(text[cut:], style=_MATCHED if marked else "")
        cut = 0
    return line


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

    id: int
    incident: Incident | None  # None: its row cannot be read back (see `problem`)
    phase: str  # "2 Mitigate · revise"
    haystack: str
    problem: str = ""

    def matches(self, words: list[str], request: SearchRequest) -> bool:
        """Every word in the listed text, and every filter of the request."""
        incident = self.incident
        if incident is None:  # nothing to filter on: shown only while no filter is set
            narrowed = (request.severity, request.status, request.since, request.until)
            return all(word in self.haystack for word in words) and narrowed == (None,) * 4
        return (
            all(word in self.haystack for word in words)
            and (request.severity is None or incident.severity in request.severity)
            and (request.status is None or incident.status in request.status)
            and (request.since is None or incident.detected_at >= request.since)
            and (request.until is None or incident.detected_at < request.until)
        )


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
    """The filter and search line; Enter opens the highlighted match, Down goes into the list."""

    BINDINGS = [
        Binding("enter", "submit", "Open", id="open_first_match"),
        Binding("down", "screen.focus_list", "List", id="incident_list_down", show=False),
    ]


class IncidentPicker(Screen[None]):
    """Every incident in the database, newest first; the box filters and searches them."""

    BINDINGS = [
        # The app hides its own keys in the footer; this screen shows the ones that matter here.
        Binding("f1", "app.help", "Help", id="picker_help"),
        Binding("ctrl+n", "new_incident", "New incident", id="new_incident"),
        Binding("n", "new_incident", "New incident", id="new_incident_n", show=False),
        Binding("slash", "focus_filter", "Filter", id="filter_incidents", key_display="/"),
        Binding("f2", "toggle_closed", "Closed", id="toggle_closed"),
        Binding("ctrl+r", "review", "Review", id="review_incidents", priority=True),
        Binding("r", "review", "Review", id="review_incidents_r", show=False),
        Binding("escape", "focus_list", "List", id="incident_list"),
        Binding("ctrl+q", "app.quit", "Quit", id="picker_quit", priority=True),
    ]

    class SearchDone(Message):
        """A search of the record finished (in a worker thread)."""

        def __init__(self, request: SearchRequest, hits: list[SearchHit], error: str) -> None:
            super().__init__()
            self.request = request
            self.hits = hits
            self.error = error

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[IncidentRow] = []
        self._request = SearchRequest()
        self.show_closed = False  # closed incidents are history: f2 (or status:closed) shows them
        self._pending: SearchRequest | None = None  # searched for, answer not back yet
        self._hits: list[SearchHit] = []  # the answer for self._request
        self._search_error = ""

    @property
    def wapp(self) -> WarroomApp:
        return cast("WarroomApp", self.app)

    def compose(self) -> ComposeResult:
        heading = Text(no_wrap=True, overflow="ellipsis")
        heading.append(" warroom", style="bold")
        heading.append(f" — incidents in {self.wapp.store.path}")
        yield Static(heading, id="picker-heading")
        yield FilterInput(placeholder=PLACEHOLDER, id="picker-filter")
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
        for incident in store.listing():
            if isinstance(incident, UnreadableRow):
                haystack = f"#{incident.id} unreadable {incident.problem}".lower()
                rows.append(IncidentRow(incident.id, None, "", haystack, incident.problem))
                continue
            machine = store.machine(incident.id)
            number = machine.current_phase()
            spec = store.workflow.phase(number)
            state = machine.state(number).value.replace("_", " ")
            phase = f"{number} {spec.name} · {state}"
            severity = incident.severity.value if incident.severity else "unassessed"
            haystack = " ".join(
                (f"#{incident.id}", incident.title, severity, incident.status.value, phase)
            ).lower()
            rows.append(IncidentRow(incident.id, incident, phase, haystack))
        self._rows = rows
        if wants_search(self._request):  # the record may have changed too
            self._start_search()
        self._show()

    def _visible(self) -> list[tuple[IncidentRow, Match | None]]:
        """The instant matches in list order, then those only the search found, best first."""
        request = self._request
        words = request.text.replace('"', " ").lower().split()
        # The title is on screen already: show the best place besides it.
        hits = {
            hit.incident.id: next((m for m in hit.matches if m.where != "title"), None)
            for hit in self._hits
        }
        rows = self._rows
        if not self.show_closed and request.status is None:
            rows = [r for r in rows if r.incident is None or r.incident.status is not Status.CLOSED]
        shown = [(row, hits.get(row.id)) for row in rows if row.matches(words, request)]
        listed = {row.id: row for row in rows}
        seen = {row.id for row, _ in shown}
        for incident_id, match in hits.items():
            row = listed.get(incident_id)
            if row is not None and incident_id not in seen and row.matches([], request):
                shown.append((row, match))
        return shown

    def _cells(self, row: IncidentRow, now: datetime) -> dict[str, Text]:
        incident = row.incident
        if incident is None:
            return {
                "id": Text(f"#{row.id}"),
                "title": Text(f"unreadable: {sanitize(row.problem)}", style="bold",
                              no_wrap=True, overflow="ellipsis"),
                "severity": Text("?", style="dim"),
                "status": Text("?", style="dim"),
                "phase": Text(""),
                "age": Text(""),
            }
        severity = incident.severity
        return {
            "id": Text(incident.ref),
            "title": Text(sanitize(incident.title), no_wrap=True, overflow="ellipsis"),
            "severity": Text(severity.value, style=_SEVERITY_STYLE[severity])
            if severity
            else Text("unassessed", style="dim"),
            "status": Text(incident.status.value, style=_STATUS_STYLE[incident.status]),
            "phase": Text(row.phase),
            "age": Text(compact_age(now - incident.detected_at), justify="right"),
        }

    def _show(self) -> None:
        """Redraw the table from the rows the filter lets through."""
        if not self.is_mounted:
            return
        table = self.query_one(IncidentTable)
        message = self.query_one("#picker-message", Static)
        selected = self.highlighted_id()
        visible = self._visible()
        now = self.wapp.clock.now()
        cells = [self._cells(row, now) for row, _match in visible]
        room = (table.size.width or self.size.width) - 2  # the scrollbar, when there is one
        columns = list(_COLUMNS)
        if wants_search(self._request) and room < 110:
            columns.remove("phase")  # a snippet needs the room more than a past phase does

        widths = {
            name: max([len(name), *(cell[name].cell_len for cell in cells)]) for name in columns
        }
        padding = 2 * table.cell_padding * len(columns)
        others = sum(widths.values()) - widths["title"]
        widths["title"] = max(12, room - padding - others)

        table.clear(columns=True)
        for name in columns:
            table.add_column(name, width=widths[name], key=name)
        for (row, match), row_cells in zip(visible, cells, strict=True):
            if match is not None:  # where the search found it, under the title
                title = row_cells["title"].copy()
                title.append("\n")
                title.append_text(match_line(match, widths["title"]))
                row_cells["title"] = title
            table.add_row(
                *(row_cells[name] for name in columns),
                key=str(row.id),
                height=1 if match is None else 2,
            )

        keys = [str(row.id) for row, _match in visible]
        if selected is not None and str(selected) in keys:
            table.move_cursor(row=keys.index(str(selected)), animate=False)

        table.display = bool(visible)
        self.refresh_bindings()  # "esc List" only while there is a list to go to
        if not self._rows:
            message.update("No incidents yet. Press ctrl+n to declare one.")
        elif self._request.problems or self._search_error:
            problems = [*self._request.problems, self._search_error]
            message.update(Text("; ".join(filter(None, problems)), style="bold"))
        elif not visible:
            typed = self.query_one(FilterInput).value
            searching = " yet; searching their records…" if self._pending is not None else "."
            message.update(Text(f"No incident matches {typed!r}{searching}"))
        else:
            ongoing = sum(
                r.incident is not None and r.incident.status is Status.ONGOING for r in self._rows
            )
            closed = sum(
                r.incident is not None and r.incident.status is Status.CLOSED for r in self._rows
            )
            shown = (
                f"{len(visible)} of {len(self._rows)}"
                if len(visible) < len(self._rows)
                else (f"{len(self._rows)}")
            )
            hidden = (
                f" {closed} closed not shown: f2 shows them." if closed and not self.show_closed
                else ""
            )
            message.update(
                f"{shown} incident{'s' if len(self._rows) != 1 else ''}, {ongoing} ongoing."
                f"{hidden} Enter opens; ctrl+n declares a new one."
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
    def _filter_changed(self, event: Input.Changed) -> None:
        request = parse_search(event.value, now=self.wapp.clock.now())
        changed = request != self._request
        self._request = request
        if changed:
            self._hits, self._search_error, self._pending = [], "", None
            if wants_search(request):
                self._start_search()
        self._show()
        table = self.query_one(IncidentTable)
        if table.row_count:
            table.move_cursor(row=0, animate=False)

    def _start_search(self) -> None:
        self._pending = self._request
        self._search(self._request)

    @work(thread=True, exclusive=True, group="picker-search", exit_on_error=False)
    def _search(self, request: SearchRequest) -> None:
        """Search the record off the event loop, on a connection of this thread's own.

        A thread cannot be stopped, so each waits a moment first: while someone
        types, the searches for the keys in between end before they start.
        """
        time.sleep(SEARCH_DELAY)
        if get_current_worker().is_cancelled:
            return
        app = self.wapp
        hits: list[SearchHit] = []
        error = ""
        try:
            with Store.open(app.store.path, clock=app.clock) as store:
                hits = search_incidents(
                    store,
                    request.text,
                    severity=request.severity,
                    status=request.status,
                    since=request.since,
                    until=request.until,
                )
        except Exception as exc:  # noqa: BLE001 - a failed search says so; the list never waits
            error = f"Search failed: {exc}"
        if not get_current_worker().is_cancelled:
            self.post_message(self.SearchDone(request, hits, error))

    @on(SearchDone)
    def _search_done(self, message: SearchDone) -> None:
        if message.request != self._request:  # the box has moved on
            return
        self._pending = None
        self._hits, self._search_error = message.hits, message.error
        self._show()

    @on(Input.Submitted, "#picker-filter")
    def _filter_submitted(self) -> None:
        incident_id = self.highlighted_id()
        if incident_id is not None:
            self._open(incident_id)

    @on(DataTable.RowSelected, "#picker-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self._open(int(event.row_key.value))

    def _open(self, incident_id: int) -> None:
        """Open an incident, unless its row cannot be read: then say why, and stay."""
        bad = next((r for r in self._rows if r.id == incident_id and r.incident is None), None)
        if bad is not None:
            self.notify(
                f"#{incident_id} cannot be opened: {sanitize(bad.problem)} "
                "(changed outside warroom)",
                severity="error", markup=False,
            )
            return
        self.wapp.open_incident(incident_id)

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

    def action_toggle_closed(self) -> None:
        """Show the closed incidents too, or again only the open ones."""
        self.show_closed = not self.show_closed
        self._show()

    def action_focus_list(self) -> None:
        self.query_one(IncidentTable).focus()

    def action_review(self) -> None:
        """The review across incidents, as charts (what `warroom report` prints)."""
        from warroom.ui.screens.review import ReviewScreen  # and textual-plotext, only now

        self.app.push_screen(ReviewScreen())

    def action_new_incident(self) -> None:
        from warroom.ui.screens.new_incident import NewIncidentDialog

        def opened(incident_id: int | None) -> None:
            if incident_id is not None:
                self.wapp.open_incident(incident_id)

        self.app.push_screen(NewIncidentDialog(), opened)
