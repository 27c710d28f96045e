"""The incident header: id, title, severity badge, status, elapsed time, next-update countdown,
and the incident's metrics (time to detect, mitigate...) once known."""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.text import Text
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from warroom.core.models import Incident
from warroom.timeline.sanitize import sanitize


def _duration(delta: timedelta) -> str:
    total = max(0, int(delta.total_seconds()))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    return f"{days}d {clock}" if days else clock


TITLE_ROOM = 24  # cells of the title that metrics never push off


class IncidentHeader(Widget):
    """One line that answers "what incident, how bad, how long, when do we next report"."""

    DEFAULT_CSS = """
    IncidentHeader { height: 1; background: $panel; color: $foreground; }
    """

    incident: reactive[Incident | None] = reactive(None)
    now: reactive[datetime | None] = reactive(None)
    next_update: reactive[datetime | None] = reactive(None)
    metrics: reactive[tuple[tuple[str, str], ...]] = reactive(())  # ("TTD", "3m"), ...
    ended_at: reactive[datetime | None] = reactive(None)  # resolved: the clocks stop there

    class UpdateDue(Message):
        """The stakeholder update INC-3 promised is due now."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._due_announced_for: datetime | None = None

    def watch_now(self, now: datetime | None) -> None:
        due = self.next_update
        ended = self.incident is not None and self.incident.status.ended
        if now and due and not ended and now >= due and self._due_announced_for != due:
            self._due_announced_for = due
            self.post_message(self.UpdateDue())

    def render(self) -> Text:
        incident = self.incident
        if incident is None:
            return Text(" warroom")
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(f" {incident.ref} ", style="bold")
        severity = incident.severity.value if incident.severity else "Unassessed"
        badge = {
            "Critical": "bold white on red",
            "Major": "bold black on yellow",
            "Minor": "bold black on cyan",
        }.get(severity, "reverse")
        line.append(f" {severity.upper()} ", style=badge)
        line.append(f" {incident.status.value} ", style="bold")
        now = self.now
        if incident.status.ended:
            # Resolved: the duration, not a clock still counting, and no update is due.
            end = self.ended_at or now
            if end is not None:
                line.append(f" lasted {_duration(end - incident.detected_at)} ", style="bold")
        elif now is not None:
            line.append(f" T+{_duration(now - incident.detected_at)} ", style="bold")
            due = self.next_update
            if due is not None:
                if now >= due:
                    line.append(
                        f" UPDATE DUE {_duration(now - due)} ago ", style="bold white on red"
                    )
                else:
                    line.append(f" next update in {_duration(due - now)} ")
        # Metrics go only where the title keeps some room: the title says which incident this is.
        title = sanitize(incident.title)  # imported or alert text: never raw to the terminal
        room = self.size.width - line.cell_len - min(len(title), TITLE_ROOM) - 1
        for label, value in self.metrics:
            part = f" {label} {value} "
            if len(part) > room:
                break
            line.append(f" {label} ", style="dim")
            line.append(f"{value} ", style="bold")
            room -= len(part)
        line.append(" ")
        line.append(title)  # a Text append: the title is never parsed as markup
        line.truncate(max(1, self.size.width), overflow="ellipsis")
        return line
