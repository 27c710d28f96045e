"""The incident timeline written into artifacts, in the seed's line formats.

INC-1 Timeline takes `- <timestamp> — <event>`; INC-4 Detailed Timeline takes
`- <timestamp> — <event> — <source>`. Inserting keeps what people already
wrote there, drops the template placeholders, adds what is new, and orders
the whole list by time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from warroom.clock import iso
from warroom.core.markdown import find_section, is_placeholder, list_items, replace_section
from warroom.core.models import EventKind, TimelineEvent

#: Where each artifact keeps its timeline, and whether lines carry a source.
TIMELINE_SECTIONS: dict[str, tuple[str, bool]] = {
    "INC-1": ("Timeline", False),
    "INC-4": ("Detailed Timeline", True),
}


def one_line(text: str, limit: int = 300) -> str:
    """A timeline entry on one line: a pinned stack trace keeps its first line's worth."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def source_of(event: TimelineEvent) -> str:
    """Where an entry came from: the log file and line, or who noted it."""
    if event.source:
        return f"{event.source}:{event.position}" if event.position else event.source
    if event.kind is EventKind.NOTE:
        return f"note by {event.author}"
    return "warroom"


def timeline_line(event: TimelineEvent, *, with_source: bool) -> str:
    """One entry; a pinned line's own leading timestamp is dropped, the entry shows it."""
    from warroom.timeline.parse import without_stamp  # the log parser: only when writing one

    text = without_stamp(event.text) if event.kind is EventKind.PIN else event.text
    line = f"- {iso(event.occurred_at)} — {one_line(text)}"
    return f"{line} — {source_of(event)}" if with_source else line


def _sort_key(line: str) -> tuple[int, str]:
    """Entries with an ISO timestamp in time order; the rest keep their place after them."""
    stamp = line[2:].split(" ", 1)[0].strip()
    try:
        datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return (1, "")
    return (0, stamp)


def insert_timeline(markdown: str, code: str, events: Iterable[TimelineEvent]) -> str:
    """Merge the incident timeline into the artifact's timeline section."""
    if code not in TIMELINE_SECTIONS:
        raise ValueError(f"{code} has no timeline section; only {sorted(TIMELINE_SECTIONS)} do")
    heading, with_source = TIMELINE_SECTIONS[code]
    section = find_section(markdown, heading)
    existing = [
        f"- {item.text}"
        for item in list_items(section.body if section else "")
        if not is_placeholder(item.text)
    ]
    seen = {" ".join(line.split()) for line in existing}
    added = []
    for event in events:
        if event.removed:
            continue
        line = timeline_line(event, with_source=with_source)
        if " ".join(line.split()) not in seen:
            seen.add(" ".join(line.split()))
            added.append(line)
    lines = sorted(existing + added, key=_sort_key)
    return replace_section(markdown, section.heading if section else heading, "\n".join(lines))
