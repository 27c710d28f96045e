"""Recorded commands (actions) in words: their status, and as INC-2's "Steps Taken".

The seed's Steps Taken line is `1. <Step> — <result>`: the step says when, what
ran and where; the result is its exit status. Inserting keeps what people
wrote there, drops the template's placeholders, adds what is new and numbers
the list again.
"""

from __future__ import annotations

import signal
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from warroom.clock import iso
from warroom.core.evidence import one_line
from warroom.core.markdown import find_section, is_placeholder, list_items, replace_section
from warroom.core.models import EventKind, TimelineEvent

STEPS_CODE, STEPS_HEADING = "INC-2", "Steps Taken"


@dataclass(frozen=True, slots=True)
class InsertSteps:
    """Recorded commands (timeline entry ids) to write into INC-2's Steps Taken: what the
    incident timeline dialog hands back to the war room."""

    event_ids: tuple[int, ...]


def status_word(status: int | None) -> str:
    """What an exit status means to a person: ok, failed, interrupted, killed by SIGKILL."""
    if status is None:
        return "status unknown"
    if status == 0:
        return "ok"
    if status == 130:
        return "interrupted"
    if status in (126, 127):
        return "could not start" if status == 126 else "command not found"
    if status > 128:
        try:
            return f"killed by {signal.Signals(status - 128).name}"
        except ValueError:
            pass
    return "failed"


def status_text(status: int | None) -> str:
    """`exit 3 (failed)`, `exit 0 (ok)`; `not recorded` when a shell hook did not say."""
    return "no status" if status is None else f"exit {status} ({status_word(status)})"


def duration_text(seconds: float) -> str:
    """A command's duration, short: 0.4s, 12s, 3m05s, 1h02m."""
    if seconds < 10:
        return f"{seconds:.1f}s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def took(event: TimelineEvent) -> timedelta | None:
    if event.action is None:
        return None
    return event.action.ended_at - event.action.started_at


def step_line(event: TimelineEvent) -> str:
    """An action as a Steps Taken entry (without its number): `<when> ran `cmd` on host — exit 0
    (ok) after 3.0s`. A dash inside the command would split it: the command is one line."""
    where = f" on {event.action.host}" if event.action and event.action.host else ""
    duration = took(event)
    after = f" after {duration_text(duration.total_seconds())}" if duration is not None else ""
    command = one_line(event.text, 200).replace("`", "'")
    return f"{iso(event.occurred_at)} ran `{command}`{where} — {status_text(event.exit_status)}" \
           f"{after}"


def insert_steps(markdown: str, events: Iterable[TimelineEvent]) -> str:
    """Add actions to INC-2's Steps Taken, numbered after what is there; placeholders go."""
    section = find_section(markdown, STEPS_HEADING)
    existing = [
        item.text for item in list_items(section.body if section else "")
        if not is_placeholder(item.text)
    ]
    seen = {" ".join(text.split()) for text in existing}
    added = []
    for event in sorted(events, key=lambda e: (e.occurred_at, e.id)):
        if event.kind is not EventKind.ACTION or event.removed:
            continue
        line = step_line(event)
        if " ".join(line.split()) not in seen:
            seen.add(" ".join(line.split()))
            added.append(line)
    lines = [f"{n}. {text}" for n, text in enumerate(existing + added, start=1)]
    heading = section.heading if section else STEPS_HEADING
    return replace_section(markdown, heading, "\n".join(lines))
