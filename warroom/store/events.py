"""The incident timeline in the store: notes, pinned log lines, and the audit log.

A part of Store (a base class of it), kept apart so store.py stays about
incidents, phases and artifacts. System events are the audit log: every
workflow move and every edit or removal of an entry writes one, and they
themselves cannot be edited or removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
from datetime import UTC, datetime
from stat import S_ISREG
from typing import TYPE_CHECKING, Any

from warroom.clock import iso
from warroom.core.evidence import one_line
from warroom.core.models import ActionDetail, EventKind, Output, TimelineEvent
from warroom.store import chain
from warroom.store.db import StoreError, write_lock

if TYPE_CHECKING:
    import sqlite_utils

    from warroom.clock import Clock
    from warroom.core.models import Incident
    from warroom.timeline.recorder import Finished, Tape
    from warroom.timeline.records import LogRecord


def stored_time(at: datetime) -> str:
    """A time as stored: ISO-8601 with its zone (a naive time is a bug, refused)."""
    if at.tzinfo is None:
        raise ValueError("stored times must be timezone-aware")
    return at.isoformat()


def read_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


class TimelineEntries:
    """Timeline entries of an incident: add, pin, edit, remove (with a trace), read."""

    db: sqlite_utils.Database
    clock: Clock

    if TYPE_CHECKING:

        def incident(self, incident_id: int) -> Incident: ...

    def add_event(
        self,
        incident_id: int,
        kind: EventKind,
        text: str,
        *,
        actor: str,
        occurred_at: datetime | None = None,
        source: str | None = None,
        position: int | None = None,
        level: str | None = None,
        recorded_at: datetime | None = None,
        extra: dict[str, Any] | None = None,
    ) -> TimelineEvent:
        """Add a note or pinned line to the incident timeline."""
        if not text.strip():
            raise StoreError("a timeline entry needs some text")
        self.incident(incident_id)
        with write_lock(self.db):
            event_id = self._event(
                incident_id, kind, text, actor, occurred_at, source, position, level,
                recorded_at=recorded_at, extra=extra,
            )
        return self.event(event_id)

    def pin_line(
        self,
        incident_id: int,
        raw: bytes,
        *,
        actor: str,
        logged_at: datetime | None,
        received_at: datetime,
        source: str,
        position: int | None,
        level: str | None,
        file: str | None = None,
    ) -> TimelineEvent:
        """Copy a log line, whole, into the incident timeline with where it came from.

        The line's own time wins over when it arrived; a log time without a zone
        is the host's local time (that is how the log was written). When it arrived
        is kept as recorded_at, so a clock that disagrees can be pointed out.
        The line's SHA-256, and the file's inode, size and mtime as it is now,
        let `warroom verify` tell later whether the line is still there unchanged.
        """
        occurred = logged_at or received_at
        if occurred.tzinfo is None:
            occurred = occurred.astimezone()
        extra: dict[str, Any] = {"sha256": hashlib.sha256(raw).hexdigest()}
        if file is not None:
            with contextlib.suppress(OSError):
                stat = os.stat(file)
                if S_ISREG(stat.st_mode):
                    extra |= {"file_inode": stat.st_ino, "file_size": stat.st_size,
                              "file_mtime_ns": stat.st_mtime_ns}
        return self.add_event(
            incident_id, EventKind.PIN, raw.decode("utf-8", "replace"), actor=actor,
            occurred_at=occurred.astimezone(UTC), source=source, position=position, level=level,
            recorded_at=received_at.astimezone(UTC), extra=extra,
        )

    def record_action(
        self,
        incident_id: int,
        command: str,
        status: int,
        detail: ActionDetail,
        *,
        actor: str,
    ) -> TimelineEvent:
        """Record a command someone ran: when it started is its time, when it ended is when
        it was recorded; the output kept (if any) travels in its details."""
        if not command.strip():
            raise StoreError("an action needs a command line")
        self.incident(incident_id)
        stored = detail.model_dump_json()
        with write_lock(self.db):
            event_id = self._event(
                incident_id, EventKind.ACTION, command, actor,
                occurred_at=detail.started_at.astimezone(UTC), source=detail.host,
                recorded_at=detail.ended_at.astimezone(UTC),
                extra={
                    "exit_status": status,
                    "action": stored,
                    "sha256": chain.action_sha256(command, status, json.loads(stored)),
                },
            )
        return self.event(event_id)

    def record_finished(
        self, incident_id: int, finished: Finished, *, actor: str, how: str = "run",
        cwd: str | None = None,
    ) -> TimelineEvent:
        """Record a command run through warroom.timeline.recorder, with the output it kept."""
        detail = ActionDetail(
            cwd=cwd or os.getcwd(), user=actor, host=socket.gethostname(),
            started_at=finished.started_at, ended_at=finished.ended_at, how=how,
            stdout=_output(finished.stdout), stderr=_output(finished.stderr),
        )
        return self.record_action(
            incident_id, finished.command, finished.status, detail, actor=actor
        )

    def pin_record(self, incident_id: int, record: LogRecord, *, actor: str) -> TimelineEvent:
        """Pin a line from the live timeline: whole, with its own time, level, and where
        to find it again (its line number, counted now if it was read from a file's end)."""
        from warroom.timeline.follow import locate

        source, position = locate(record)
        return self.pin_line(
            incident_id, record.raw, actor=actor, logged_at=record.ts,
            received_at=record.received, source=source, position=position, level=record.level,
            file=record.path,
        )

    def edit_event(
        self,
        event_id: int,
        *,
        actor: str,
        text: str | None = None,
        occurred_at: datetime | None = None,
    ) -> TimelineEvent:
        """Fix an entry's time or wording; the change itself goes into the audit log."""
        before = self.event(event_id)
        if before.kind is EventKind.SYSTEM:
            raise StoreError("system events are the audit log: they cannot be edited")
        changes: dict[str, Any] = {}
        notes = []
        if text is not None and text.strip() and text != before.text:
            changes["text"] = text
            notes.append(f"text {one_line(before.text, 60)!r} → {one_line(text, 60)!r}")
        if occurred_at is not None and occurred_at != before.occurred_at:
            changes["occurred_at"] = stored_time(occurred_at)
            notes.append(f"time {iso(before.occurred_at)} → {iso(occurred_at)}")
        if not changes:
            return before
        with write_lock(self.db):
            self.db["timeline_events"].update(event_id, changes)
            chain.append(self.db, before.incident_id, "timeline_events", event_id)
            self._event(
                before.incident_id,
                EventKind.SYSTEM,
                f"Timeline entry #{event_id} edited: " + "; ".join(notes),
                actor,
            )
        return self.event(event_id)

    def remove_event(self, event_id: int, *, actor: str) -> None:
        """Hide an entry from the timeline; it stays in the file, and the removal is logged."""
        before = self.event(event_id)
        if before.kind is EventKind.SYSTEM:
            raise StoreError("system events are the audit log: they cannot be removed")
        if before.removed:
            return
        with write_lock(self.db):
            self.db["timeline_events"].update(event_id, {"removed": 1})
            chain.append(self.db, before.incident_id, "timeline_events", event_id)
            self._event(
                before.incident_id,
                EventKind.SYSTEM,
                f"Timeline entry #{event_id} removed: {one_line(before.text, 80)!r}",
                actor,
            )

    def event(self, event_id: int) -> TimelineEvent:
        rows = list(self.db["timeline_events"].rows_where("id = ?", [event_id]))
        if not rows:
            raise StoreError(f"no timeline entry #{event_id}")
        return _event_row(rows[0])

    def events(self, incident_id: int, *, include_removed: bool = False) -> list[TimelineEvent]:
        where = "incident_id = ?" + ("" if include_removed else " and removed = 0")
        rows = self.db["timeline_events"].rows_where(
            where, [incident_id], order_by="occurred_at, id"
        )
        return [_event_row(r) for r in rows]

    def _event(
        self,
        incident_id: int,
        kind: EventKind,
        text: str,
        actor: str,
        occurred_at: datetime | None = None,
        source: str | None = None,
        position: int | None = None,
        level: str | None = None,
        *,
        recorded_at: datetime | None = None,
        extra: dict[str, Any] | None = None,
    ) -> int:
        now = self.clock.now()
        table = self.db["timeline_events"]
        table.insert(
            {
                **(extra or {}),
                "incident_id": incident_id,
                "kind": kind.value,
                "occurred_at": stored_time(occurred_at or now),
                "recorded_at": stored_time(recorded_at or now),
                "text": text,
                "author": actor,
                "source": source,
                "position": position,
                "level": level,
                "removed": 0,
            }
        )
        event_id = int(table.last_pk)
        chain.append(self.db, incident_id, "timeline_events", event_id)
        return event_id


def _output(tape: Tape) -> Output:
    from warroom.timeline.recorder import decoded

    return Output(head=decoded(bytes(tape.head)), tail=decoded(tape.tail), skipped=tape.skipped,
                  total=tape.total)


def _event_row(row: dict[str, Any]) -> TimelineEvent:
    action = row.get("action")
    return TimelineEvent(
        **{
            **row,
            "kind": EventKind(row["kind"]),
            "occurred_at": read_time(row["occurred_at"]),
            "recorded_at": read_time(row["recorded_at"]),
            "removed": bool(row["removed"]),
            "action": ActionDetail.model_validate_json(action) if action else None,
        }
    )
