"""An incident's milestones in the database: set, defaulted, cleared, and every change logged.

A milestone is set from a timeline entry (its time: a pinned line is the best
evidence), from a gate decision (INC-2 approved "Mitigated", INC-3 completed
"Resolved"), from the incident's status, or by hand. Automatic ones never
overwrite a milestone already set. Every change is a system event in the
incident timeline, which is also the audit log.

Defaults, returned as implicit milestones (origin "incident") and never stored:
`detected` is the incident's detected_at, `acknowledged` its created_at (when
someone declared it in warroom). Setting `detected` moves the incident's
detected_at with it, so the header's elapsed time and the metrics agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from warroom.clock import iso
from warroom.core.milestones import (
    ORDER,
    SKEW_THRESHOLD,
    Metrics,
    Milestone,
    MilestoneKind,
    MilestoneOrigin,
    metrics,
)
from warroom.core.models import EventKind, Incident, Status
from warroom.core.proposals import LIVE_WINDOW, Proposal, declared_soon, propose_milestones
from warroom.store.db import StoreError, write_lock

if TYPE_CHECKING:
    from warroom.store.store import Store

_EVENT_NOUN = {EventKind.PIN: "pin", EventKind.NOTE: "note", EventKind.SYSTEM: "system event",
               EventKind.ACTION: "command"}
_DEFAULT_NOTE = {
    MilestoneKind.DETECTED: "detection time",
    MilestoneKind.ACKNOWLEDGED: "declared in warroom",
}
_BY_STATUS = {Status.MITIGATED: MilestoneKind.MITIGATED, Status.RESOLVED: MilestoneKind.RESOLVED}
SYSTEM_ACTOR = "warroom"


def _ts(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("milestone times must be timezone-aware")
    return at.astimezone(UTC).isoformat()


class Milestones:
    """The milestones of the incidents in one Store (and so one thread's connection)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db

    # -- reading -------------------------------------------------------------

    def all(self, incident_id: int) -> list[Milestone]:
        """The known milestones in workflow order, defaults included."""
        return self.resolve(self.store.incident(incident_id), self._stored(incident_id))

    def all_of(self, incidents: Iterable[Incident]) -> dict[int, list[Milestone]]:
        """`all` for many incidents at once (the review): one query for the stored rows."""
        stored: dict[int, dict[MilestoneKind, Milestone]] = defaultdict(dict)
        rows = self.db.execute(
            "select m.*, e.kind as event_kind from milestones m "
            "left join timeline_events e on e.id = m.event_id"
        )
        columns = [c[0] for c in rows.description]
        for values in rows:
            m = self._from_row(dict(zip(columns, values, strict=True)))
            stored[m.incident_id][m.kind] = m
        return {i.id: self.resolve(i, stored.get(i.id, {})) for i in incidents}

    def resolve(
        self, incident: Incident, stored: dict[MilestoneKind, Milestone]
    ) -> list[Milestone]:
        """The milestones in effect: those stored, else the defaults read from the incident."""
        found = []
        for kind in ORDER:
            milestone = stored.get(kind)
            if kind is MilestoneKind.DETECTED and milestone is not None \
                    and milestone.at != incident.detected_at:
                milestone = None  # detected_at was changed since: it is the truth
            found.append(milestone or self._default(incident, kind))
        return [m for m in found if m is not None]

    def get(self, incident_id: int, kind: MilestoneKind) -> Milestone | None:
        return next((m for m in self.all(incident_id) if m.kind is kind), None)

    def metrics(self, incident_id: int) -> Metrics:
        return metrics(self.all(incident_id))

    def _stored(self, incident_id: int) -> dict[MilestoneKind, Milestone]:
        rows = self.db["milestones"].rows_where("incident_id = ?", [incident_id])
        return {m.kind: m for m in (self._from_row(r) for r in rows)}

    def _from_row(self, row: dict[str, Any]) -> Milestone:
        origin = MilestoneOrigin(row["origin"])
        note = ""
        if origin is MilestoneOrigin.EVENT and row["event_id"] is not None:
            if "event_kind" in row:  # joined in by the caller
                kind = row["event_kind"]
            else:
                events = list(self.db["timeline_events"].rows_where("id = ?", [row["event_id"]]))
                kind = events[0]["kind"] if events else None
            note = _EVENT_NOUN[EventKind(kind)] if kind else "entry"
        return Milestone(
            incident_id=row["incident_id"],
            kind=MilestoneKind(row["kind"]),
            at=datetime.fromisoformat(row["at"]),
            origin=origin,
            event_id=row["event_id"],
            set_by=row["set_by"],
            set_at=datetime.fromisoformat(row["set_at"]),
            note=note,
        )

    @staticmethod
    def _default(incident: Incident, kind: MilestoneKind) -> Milestone | None:
        at = {
            MilestoneKind.DETECTED: incident.detected_at,
            MilestoneKind.ACKNOWLEDGED: incident.created_at,
        }.get(kind)
        if at is None:
            return None
        if kind is MilestoneKind.ACKNOWLEDGED and not declared_soon(incident):
            return None  # declared long after detection: nobody said when it was acknowledged
        return Milestone(
            incident_id=incident.id, kind=kind, at=at, origin=MilestoneOrigin.INCIDENT,
            note=_DEFAULT_NOTE[kind],
        )

    # -- setting -------------------------------------------------------------

    def set_at(
        self, incident_id: int, kind: MilestoneKind, at: datetime, *, actor: str
    ) -> Milestone:
        """Set a milestone by hand; a time in the future is refused (a typo, most likely)."""
        now = self.store.clock.now()
        if at.tzinfo is None:
            raise ValueError("milestone times must be timezone-aware")
        if at > now + SKEW_THRESHOLD:
            raise StoreError(
                f"{kind} at {iso(at)} is in the future (now is {iso(now)}); give the time it "
                "happened"
            )
        with write_lock(self.db):
            return self._write(incident_id, kind, at, MilestoneOrigin.MANUAL, actor=actor)

    def set_from_event(
        self, incident_id: int, kind: MilestoneKind, event_id: int, *, actor: str
    ) -> Milestone:
        """Set a milestone to a timeline entry's time: "impact began at this line"."""
        event = self.store.event(event_id)
        if event.incident_id != incident_id:
            raise StoreError(
                f"timeline entry #{event_id} belongs to incident #{event.incident_id}, "
                f"not #{incident_id}"
            )
        if event.removed:
            raise StoreError(f"timeline entry #{event_id} was removed; pick another entry")
        with write_lock(self.db):
            return self._write(
                incident_id, kind, event.occurred_at, MilestoneOrigin.EVENT, actor=actor,
                event_id=event_id, source=f"{_EVENT_NOUN[event.kind]} #{event_id}",
            )

    def clear(self, incident_id: int, kind: MilestoneKind, *, actor: str) -> bool:
        """Forget a milestone someone set (logged); False if there was none to clear."""
        incident = self.store.incident(incident_id)
        with write_lock(self.db):
            before = self._stored(incident_id).get(kind)
            if before is None:
                return False
            self.db["milestones"].delete((incident_id, kind.value))
            text = f"Milestone {kind} cleared by {actor} (was {iso(before.at)})"
            if kind is MilestoneKind.DETECTED:
                text += f"; the incident's detection time {iso(incident.detected_at)} stays"
            elif (default := self._default(incident, kind)) is not None:
                text += f"; back to the default {iso(default.at)} ({default.note})"
            self._log(incident_id, text, actor)
        return True

    # -- automatic, inside the store's own write transaction -------------------

    def on_phase_passed(self, incident_id: int, code: str, markdown: str, *, actor: str) -> None:
        """A gate approved or a phase completed: set what the artifact says happened, if unset.

        Runs inside the caller's transaction (Store.decide, Store.complete).
        """
        from warroom.core import rules  # parses artifacts: only when a phase passes

        verb = "completed" if code in ("INC-3", "INC-6") else "approved"
        if not self.live(incident_id):
            return  # written up after the fact: today is not when it was mitigated
        for kind in rules.milestones_from_passed(code, markdown):
            self._write_unless_set(
                incident_id, kind, MilestoneOrigin.DECISION, actor, f"{code} {verb}"
            )

    def on_status(self, incident_id: int, status: Status) -> None:
        """The incident's status became Mitigated or Resolved: that milestone now, if unset.

        Runs inside the caller's transaction (Store._update_fields).
        """
        kind = _BY_STATUS.get(status)
        if kind is not None and self.live(incident_id):
            self._write_unless_set(
                incident_id, kind, MilestoneOrigin.STATUS, SYSTEM_ACTOR, f"status {status}"
            )

    def live(self, incident_id: int) -> bool:
        """Whether a decision made now is made during the incident, so its time may stand
        for a milestone: detected within LIVE_WINDOW (a write-up years later is not)."""
        incident = self.store.incident(incident_id)
        return self.store.clock.now() - incident.detected_at <= LIVE_WINDOW

    def proposals(self, incident_id: int) -> list[Proposal]:
        """Milestones nobody set that the artifacts' own times state (INC-1 and INC-4
        timelines): for an incident written up after the fact, to confirm one by one."""
        stored = self._stored(incident_id)
        texts = {}
        for spec in self.store.workflow.phases:
            if spec.artifact.code in ("INC-1", "INC-4"):
                latest = self.store.latest_artifact(incident_id, spec.number)
                if latest is not None:
                    texts[spec.artifact.code] = latest.body
        return [p for p in propose_milestones(texts) if p.kind not in stored]

    def _write_unless_set(
        self, incident_id: int, kind: MilestoneKind, origin: MilestoneOrigin, actor: str,
        source: str,
    ) -> None:
        if kind in self._stored(incident_id):
            return
        self._write(
            incident_id, kind, self.store.clock.now(), origin, actor=actor, source=source
        )

    def _write(
        self,
        incident_id: int,
        kind: MilestoneKind,
        at: datetime,
        origin: MilestoneOrigin,
        *,
        actor: str,
        event_id: int | None = None,
        source: str = "",
    ) -> Milestone:
        """Store a milestone and log the change; the caller holds the write lock."""
        incident = self.store.incident(incident_id)
        before = self._stored(incident_id).get(kind) or self._default(incident, kind)
        at = at.astimezone(UTC)
        unchanged = (
            before is not None and not before.implicit and before.at == at
            and before.origin is origin and before.event_id == event_id
        )
        if not unchanged:
            self.db["milestones"].upsert(
                {
                    "incident_id": incident_id,
                    "kind": kind.value,
                    "at": _ts(at),
                    "event_id": event_id,
                    "origin": origin.value,
                    "set_by": actor,
                    "set_at": _ts(self.store.clock.now()),
                },
                pk=("incident_id", "kind"),
            )
            text = f"Milestone {kind} set to {iso(at)}"
            text += f" from {source}" if source else ""
            text += f" by {actor}"
            if before is not None and before.at != at:
                text += f" (was {iso(before.at)}" + (", the default)" if before.implicit else ")")
            if kind is MilestoneKind.DETECTED and incident.detected_at != at:
                self.db["incidents"].update(incident_id, {"detected_at": _ts(at)})
                text += "; the incident's detection time follows"
            self._log(incident_id, text, actor)
        stored = self._stored(incident_id)[kind]
        return stored

    def _log(self, incident_id: int, text: str, actor: str) -> None:
        self.store._event(incident_id, EventKind.SYSTEM, text, actor)  # noqa: SLF001 - same package
