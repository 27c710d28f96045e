"""The one facade the CLI and the UI call: incidents, phases, artifacts, decisions, timeline.

Every workflow move goes through warroom.core.state.PhaseMachine inside one
write transaction, so two responders on the same file cannot interleave a
read-decide-write; every move also lands in the timeline as a system event.
"""

from __future__ import annotations

import difflib
import json
import os
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

import sqlite_utils
from pydantic import ValidationError

from warroom.clock import Clock, SystemClock
from warroom.core import rules
from warroom.core.gates import (
    CriterionResult,
    approval_refusal,
    evaluate_gate,
    unfilled_sections,
)
from warroom.core.models import (
    ActionItem,
    ArtifactVersion,
    EventKind,
    Incident,
    LogSource,
    PhaseView,
    Role,
    Severity,
    Status,
    StoredDecision,
)
from warroom.core.state import (
    PhaseMachine,
    PhaseState,
    Transition,
    TransitionError,
    Verdict,
    initial_states,
)
from warroom.core.workflow import Workflow, default_workflow
from warroom.store import chain, post_mortem
from warroom.store.db import StoreError, UnreadableRow, connect, default_db_path, write_lock
from warroom.store.events import TimelineEntries, read_time, stored_time
from warroom.store.milestones import Milestones
from warroom.store.schema import MIGRATIONS


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What a save did: the version written (or kept), and whether it raced another save."""

    version: ArtifactVersion
    created: bool
    conflict: bool
    transition: Transition | None = None
    status_kept: str = ""  # "INC-1 says Ongoing; the status stays Mitigated": said aloud


class Store(TimelineEntries):
    """A warroom database file; one per thread (a connection belongs to its thread)."""

    def __init__(self, db: sqlite_utils.Database, path: Path, clock: Clock) -> None:
        self.db = db
        self.path = path
        self.clock = clock
        self.workflow: Workflow = default_workflow()

    @classmethod
    def open(
        cls, path: Path | None = None, *, clock: Clock | None = None, shared: bool = False
    ) -> Store:
        """Open or create the database; raise StoreError with one clear line if it can't.

        Only the default place (the user data dir) has its directory created: a
        path someone gave (--db, WARROOM_DB, the config) must name an existing one.
        """
        create_dirs = path is None and not os.environ.get("WARROOM_DB")
        path = path or default_db_path()
        db = connect(path, MIGRATIONS, shared=shared, create_dirs=create_dirs)
        return cls(db, path, clock or SystemClock())

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- incidents -----------------------------------------------------------

    def create_incident(
        self,
        title: str,
        *,
        severity: Severity | None = None,
        detected_at: datetime | None = None,
        actor: str,
        triage_draft: bool = True,
    ) -> Incident:
        """Declare an incident: phase 1 active, the rest locked, an audit entry.

        A severity given here is written into INC-1's Severity section (its v1),
        unless the caller drafts INC-1 itself (`triage_draft=False`, an alert).
        """
        title = title.strip()
        if not title:
            raise StoreError("an incident needs a title")
        now = self.clock.now()
        detected = detected_at or now
        with write_lock(self.db):
            table = self.db["incidents"]
            table.insert(
                {
                    "uid": str(uuid.uuid4()),
                    "title": title,
                    "severity": severity.value if severity else None,
                    "status": Status.ONGOING.value,
                    "detected_at": stored_time(detected),
                    "created_at": stored_time(now),
                    "workflow": self.workflow.name,
                    "last_phase": 1,
                }
            )
            incident_id = int(table.last_pk)
            self.db["phase_states"].insert_all(
                {"incident_id": incident_id, "phase": n, "state": s.value,
                 "updated_at": stored_time(now)}
                for n, s in initial_states(self.workflow).items()
            )
            self._event(incident_id, EventKind.SYSTEM, f"Incident declared: {title}", actor)
        if severity is not None and triage_draft:
            self._draft_severity(incident_id, severity, actor)
        return self.incident(incident_id)

    def _draft_severity(self, incident_id: int, severity: Severity, actor: str) -> None:
        """INC-1 (v1) says the severity chosen when declaring: its gate checks that section."""
        from warroom.core.markdown import find_section, replace_section

        try:
            phase = self.workflow.phase_for("INC-1").number
        except KeyError:  # a team's own workflow without the seed's triage artifact
            return
        template = self.workflow.template(phase)
        if find_section(template, "Severity") is None:
            return
        body = replace_section(template, "Severity", severity.value)
        self.save_artifact(incident_id, phase, body, actor=actor)

    def incident(self, incident_id: int) -> Incident:
        """The incident with this id; StoreError naming the id if there is none."""
        rows = list(self.db["incidents"].rows_where("id = ?", [incident_id]))
        if not rows:
            raise StoreError(
                f"no incident #{incident_id} in {self.path}; `warroom list` shows the ids"
            )
        return _incident(rows[0])

    def incidents(self) -> list[Incident]:
        """All readable incidents, newest first (listing() also names the unreadable ones)."""
        return [i for i in self.listing() if isinstance(i, Incident)]

    def listing(self) -> list[Incident | UnreadableRow]:
        """Every incident newest first; one whose row or phase states cannot be read back
        (changed outside warroom) is an UnreadableRow in its place, never an exception:
        one bad row must not take the whole list down."""
        found: list[Incident | UnreadableRow] = []
        for row in self.db["incidents"].rows_where(order_by="id desc"):
            try:
                incident = _incident(row)
                self._machine(incident.id)
            except UnreadableRow as unreadable:
                found.append(unreadable)
            else:
                found.append(incident)
        return found

    def update_incident(self, incident_id: int, **fields: Any) -> Incident:
        """Change title, severity, status, detection time or labels, with an audit entry."""
        allowed = {"title", "severity", "status", "detected_at", "last_phase", "labels"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"cannot update {sorted(unknown)}")
        with write_lock(self.db):
            self._update_fields(incident_id, fields)
        return self.incident(incident_id)

    def set_status(
        self, incident_id: int, status: Status, *, actor: str, reason: str = ""
    ) -> Incident:
        """An explicit status change (the screen, `warroom resolve` / `close`), in the audit log.

        Closing needs the last phase (INC-6, the action items) complete, or a reason.
        Resolving or closing sets the resolved milestone if nobody had.
        """
        reason = " ".join(reason.split())
        with write_lock(self.db):
            before = self.incident(incident_id)
            if status is Status.CLOSED and not reason:
                last = self.workflow.phases[-1]
                if not self.machine(incident_id).state(last.number).passed:
                    raise TransitionError(
                        f"cannot close {before.ref}: {last.artifact.code} ({last.name}) is not "
                        "complete; complete it, or give the reason to close anyway "
                        "(--reason TEXT)"
                    )
            if before.status is status:
                return before
            self.db["incidents"].update(incident_id, {"status": status.value})
            why = f": {reason}" if reason else ""
            self._event(
                incident_id, EventKind.SYSTEM,
                f"status set to {status.value} (was {before.status.value}) by {actor}{why}", actor,
            )
            milestones = Milestones(self)
            milestones.on_status(incident_id, status)
            if status is Status.CLOSED:
                milestones.on_status(incident_id, Status.RESOLVED)
        return self.incident(incident_id)

    def incident_labels(self, incident_id: int) -> dict[str, str]:
        """The labels of the alert the incident was declared from ({} if none)."""
        self.incident(incident_id)
        return json.loads(self.db["incidents"].get(incident_id).get("labels") or "{}")

    def _update_fields(self, incident_id: int, fields: dict[str, Any], source: str = "") -> None:
        """Write changed incident fields inside a transaction, each change in the audit log,
        saying where it came from (`source`, e.g. "INC-1 v3") when not set by hand."""
        before = self.incident(incident_id)
        changed = {}
        for key, value in fields.items():
            if key == "labels":  # a JSON object in a TEXT column
                if self.incident_labels(incident_id) != value:
                    changed[key] = json.dumps(value, sort_keys=True)
                continue
            if getattr(before, key) == value:
                continue
            stored = stored_time(value) if isinstance(value, datetime) else value
            changed[key] = stored.value if hasattr(stored, "value") else stored
        if not changed:
            return
        self.db["incidents"].update(incident_id, changed)
        for key, value in changed.items():
            if key == "last_phase":
                continue
            origin = f" from {source}" if source else ""
            old = getattr(before, key, None) if key == "severity" else None
            was = f" (was {getattr(old, 'value', old)})" if old is not None else ""
            self._event(incident_id, EventKind.SYSTEM, f"{key} set to {value}{origin}{was}",
                        "warroom")
        if "status" in changed:
            Milestones(self).on_status(incident_id, Status(changed["status"]))

    # -- phases --------------------------------------------------------------

    def machine(self, incident_id: int) -> PhaseMachine:
        """The incident's phase states loaded into the state machine."""
        self.incident(incident_id)
        return self._machine(incident_id)

    def _machine(self, incident_id: int) -> PhaseMachine:
        rows = self.db["phase_states"].rows_where("incident_id = ?", [incident_id])
        states = {
            r["phase"]: _readable(incident_id, f"phase {r['phase']} state", r["state"], PhaseState)
            for r in rows
        }
        return PhaseMachine(self.workflow, states)

    def phases(self, incident_id: int) -> list[PhaseView]:
        machine = self.machine(incident_id)
        return [
            PhaseView(
                number=p.number,
                name=p.name,
                code=p.artifact.code,
                state=machine.state(p.number),
                gated=p.gated,
            )
            for p in self.workflow.phases
        ]

    def submit(self, incident_id: int, phase: int, *, actor: str) -> Transition:
        """Present a gated phase for review."""
        return self._move(incident_id, actor, lambda m: m.submit(phase))

    def decide(
        self,
        incident_id: int,
        phase: int,
        verdict: Verdict,
        *,
        reviewer: str,
        criteria_ticked: Iterable[int] = (),
        comment: str = "",
        overrides: Mapping[int, str] | None = None,
    ) -> Transition:
        """Record a gate decision on a phase in review (submitting it first if needed).

        `overrides` are the reviewer's written reasons for passing criteria whose
        automatic check failed; approval refuses a failed check ticked without one,
        and any section still holding the template, whatever is ticked.
        """
        now = self.clock.now()
        reasons = {n: r.strip() for n, r in (overrides or {}).items() if r and r.strip()}
        ticked = tuple(dict.fromkeys((*criteria_ticked, *reasons)))
        spec = self.workflow.phase(phase)

        def move(machine: PhaseMachine) -> Transition:
            if machine.state(phase) is not PhaseState.IN_REVIEW:
                first = machine.submit(phase)
                self._record(incident_id, first, reviewer)
            transition = machine.decide(
                phase, verdict, reviewer=reviewer, at=now, criteria_ticked=ticked,
                comment=comment, overrides=reasons,
            )
            if verdict is Verdict.APPROVE:
                text = self.artifact_text(incident_id, phase)
                results = self.gate_results(incident_id, phase, text)
                unfilled = unfilled_sections(self.workflow.template(phase), text)
                refusal = approval_refusal(spec, results, ticked, reasons, unfilled)
                if refusal:
                    raise TransitionError(refusal)
                Milestones(self).on_phase_passed(
                    incident_id, spec.artifact.code, text, actor=reviewer
                )
                status = self.incident(incident_id).status
                self._update_fields(
                    incident_id, rules.fields_from_approved(spec.artifact.code, text, status),
                    f"{spec.artifact.code} approved",
                )
            return transition

        return self._move(incident_id, reviewer, move)

    def complete(self, incident_id: int, phase: int, *, actor: str) -> Transition:
        """Mark an ungated phase complete."""
        def move(machine: PhaseMachine) -> Transition:
            transition = machine.complete(phase)
            code = self.workflow.phase(phase).artifact.code
            text = self.artifact_text(incident_id, phase)
            unfilled = unfilled_sections(self.workflow.template(phase), text)
            if unfilled:
                raise TransitionError(
                    f"cannot complete {code}: {', '.join(unfilled)} still "
                    f"{'holds' if len(unfilled) == 1 else 'hold'} the template or nothing; "
                    "fill every section first (write “None” where there is nothing to say)"
                )
            Milestones(self).on_phase_passed(incident_id, code, text, actor=actor)
            return transition

        return self._move(incident_id, actor, move)

    def gate_results(
        self, incident_id: int, phase: int, text: str | None = None
    ) -> list[CriterionResult]:
        """A gate's criteria checked on `text` (default: the newest), knowing the incident's
        people (a name blamed in the post-mortem) and its earlier artifacts (cross-checks)."""

        spec = self.workflow.phase(phase)
        if text is None:
            text = self.artifact_text(incident_id, phase)
        checks = {c.check for c in spec.gate.criteria} if spec.gate else set()
        people = post_mortem.people(self, incident_id) if "blameless" in checks else ()
        inputs = {
            p.artifact.code: latest.body
            for p in self.workflow.phases[: phase - 1]
            if (latest := self.latest_artifact(incident_id, p.number)) is not None
        }
        return evaluate_gate(spec, text, people, inputs=inputs,
                             vocabulary=self.workflow.vocabulary)

    def decisions(self, incident_id: int, phase: int | None = None) -> list[StoredDecision]:
        where, args = "incident_id = ?", [incident_id]
        if phase is not None:
            where, args = where + " and phase = ?", [*args, phase]
        return [
            StoredDecision(
                id=r["id"],
                incident_id=r["incident_id"],
                phase=r["phase"],
                verdict=r["verdict"],
                outcome=r["outcome"],
                reviewer=r["reviewer"],
                decided_at=read_time(r["decided_at"]),
                criteria_ticked=tuple(json.loads(r["criteria_ticked"] or "[]")),
                comment=r["comment"] or "",
                artifact_version=r["artifact_version"],
                checks={int(k): v for k, v in json.loads(r["checks"] or "{}").items()},
                overrides={int(k): v for k, v in json.loads(r.get("overrides") or "{}").items()},
            )
            for r in self.db["gate_decisions"].rows_where(where, args, order_by="id")
        ]

    def _move(self, incident_id: int, actor: str, move: Any) -> Transition:
        with write_lock(self.db):
            machine = self.machine(incident_id)
            transition: Transition = move(machine)
            self._record(incident_id, transition, actor)
        return transition

    def _record(self, incident_id: int, transition: Transition, actor: str) -> None:
        """Persist a transition: states, the decision if any, and an audit entry."""
        now = self.clock.now()
        for change in transition.changes:
            self.db["phase_states"].update(
                (incident_id, change.phase),
                {"state": change.after.value, "updated_at": stored_time(now)},
            )
            if change.before is PhaseState.LOCKED:  # the work moves on: reopen there
                self.db["incidents"].update(incident_id, {"last_phase": change.phase})
        decision = transition.decision
        if decision is not None:
            latest = self.latest_artifact(incident_id, decision.phase)
            decisions = self.db["gate_decisions"]
            decisions.insert(
                {
                    "incident_id": incident_id,
                    "phase": decision.phase,
                    "verdict": decision.verdict.value,
                    "outcome": decision.outcome,
                    "reviewer": decision.reviewer,
                    "decided_at": stored_time(decision.decided_at),
                    "criteria_ticked": json.dumps(list(decision.criteria_ticked)),
                    "comment": decision.comment,
                    "overrides": json.dumps({str(k): v for k, v in decision.overrides.items()})
                    if decision.overrides else None,
                    "artifact_version": latest.version if latest else None,
                    "checks": json.dumps(
                        {
                            r.number: r.passed
                            for r in self.gate_results(
                                incident_id,
                                decision.phase,
                                latest.body if latest else self.workflow.template(decision.phase),
                            )
                        }
                    ),
                }
            )
            chain.append(self.db, incident_id, "gate_decisions", int(decisions.last_pk))
        self._event(incident_id, EventKind.SYSTEM, transition.summary, actor)

    # -- artifacts -----------------------------------------------------------

    def latest_artifact(self, incident_id: int, phase: int) -> ArtifactVersion | None:
        rows = list(
            self.db["artifact_versions"].rows_where(
                "incident_id = ? and phase = ?",
                [incident_id, phase],
                order_by="version desc",
                limit=1,
            )
        )
        return _version(rows[0]) if rows else None

    def artifact_text(self, incident_id: int, phase: int) -> str:
        """The newest saved text of a phase's artifact, or its template if never saved."""
        latest = self.latest_artifact(incident_id, phase)
        return latest.body if latest else self.workflow.template(phase)

    def artifact_versions(self, incident_id: int, phase: int) -> list[ArtifactVersion]:
        return [
            _version(r)
            for r in self.db["artifact_versions"].rows_where(
                "incident_id = ? and phase = ?", [incident_id, phase], order_by="version"
            )
        ]

    def save_artifact(
        self,
        incident_id: int,
        phase: int,
        body: str,
        *,
        actor: str,
        base_version: int | None = None,
    ) -> SaveResult:
        """Keep a new version of an artifact; never overwrite another responder's save.

        `base_version` is the version the editor started from (None: whatever is
        newest). A save based on an older version than the stored one is kept as
        its own version, flagged as a conflict so the caller can tell the user.
        An unchanged text is not saved again.
        """
        self.workflow.phase(phase)
        with write_lock(self.db):
            machine = self.machine(incident_id)
            latest = self.latest_artifact(incident_id, phase)
            newest = latest.version if latest else 0
            base = newest if base_version is None else base_version
            conflict = base < newest
            if latest and latest.body == body:
                return SaveResult(latest, created=False, conflict=False)
            if latest and machine.state(phase).passed:
                self._refuse_blanking(phase, latest, body)
            transition = machine.edited(phase)
            state_before = transition.changes[0].before if transition else machine.state(phase)
            versions = self.db["artifact_versions"]
            versions.insert(
                {
                    "incident_id": incident_id,
                    "phase": phase,
                    "version": newest + 1,
                    "body": body,
                    "author": actor,
                    "saved_at": stored_time(self.clock.now()),
                    "base_version": base or None,
                    "conflict": int(conflict),
                    "after_approval": int(state_before.passed),
                }
            )
            chain.append(self.db, incident_id, "artifact_versions", int(versions.last_pk))
            if transition:
                self._record(incident_id, transition, actor)
            code = self.workflow.phase(phase).artifact.code
            fields = rules.fields_from_saved(code, body)
            proposed = fields.get("status")
            current = self.incident(incident_id).status
            kept = ""
            if proposed is not None and proposed.rank < current.rank:
                # The artifact's Status section proposes; the incident got further (a gate,
                # an explicit change), so an edit of INC-1 does not take it back: it says so.
                del fields["status"]
                if latest is None or rules.fields_from_saved(code, latest.body).get(
                    "status"
                ) != proposed:
                    kept = (f"{code} says {proposed.value}; the incident stays "
                            f"{current.value} (alt+s or warroom resolve / close change it)")
                    self._event(incident_id, EventKind.SYSTEM, kept, actor)
            self._update_fields(incident_id, fields, f"{code} v{newest + 1}")
            if conflict:
                self._event(
                    incident_id,
                    EventKind.SYSTEM,
                    f"{code} v{newest + 1} saved by {actor} on top of "
                    f"{f'v{base}' if base else 'the template'}, not the newest v{newest}: "
                    "both kept",
                    actor,
                )
            saved = self.latest_artifact(incident_id, phase)
        assert saved is not None
        return SaveResult(saved, created=True, conflict=conflict, transition=transition,
                          status_kept=kept)

    def changes_since_approval(self, incident_id: int, phase: int) -> str | None:
        """The unified diff from the last approved version to the newest, for re-review of an
        amendment; None unless the phase is amended after an approval."""
        if self.machine(incident_id).state(phase) is not PhaseState.AMENDED:
            return None
        approved = [d.artifact_version for d in self.decisions(incident_id, phase)
                    if d.verdict == Verdict.APPROVE.value and d.artifact_version]
        latest = self.latest_artifact(incident_id, phase)
        if not approved or latest is None:
            return None
        old = next((v for v in self.artifact_versions(incident_id, phase)
                    if v.version == approved[-1]), None)
        if old is None:
            return None
        return "\n".join(difflib.unified_diff(
            old.body.splitlines(), latest.body.splitlines(),
            f"v{old.version} (approved)", f"v{latest.version}", lineterm="", n=1))

    def _refuse_blanking(self, phase: int, latest: ArtifactVersion, body: str) -> None:
        """An amendment of a passed artifact may change a section, never empty it again."""
        template = self.workflow.template(phase)

        def bare(names: list[str]) -> set[str]:
            return {n.split(" (", 1)[0] for n in names}

        was = bare(unfilled_sections(template, latest.body))
        blanked = [n for n in unfilled_sections(template, body) if n.split(" (", 1)[0] not in was]
        if blanked:
            code = self.workflow.phase(phase).artifact.code
            raise TransitionError(
                f"the amendment blanks {', '.join(blanked)} of {code}, filled in v{latest.version} "
                "after it passed its gate; an amendment may change a section, not empty it "
                "(write what changed instead)"
            )

    # -- sources, roles, action items, checklist -----------------------------

    def add_log_source(self, incident_id: int, kind: str, spec: str) -> LogSource:
        """Remember a log source (file, glob or command) someone here asked for, and turn it
        on; adding one twice keeps one (and turns on an imported one with the same spec)."""
        if kind not in ("file", "glob", "cmd"):
            raise ValueError(f"unknown log source kind {kind!r}")
        self.incident(incident_id)
        with write_lock(self.db):
            self.db["log_sources"].insert(
                {
                    "incident_id": incident_id,
                    "kind": kind,
                    "spec": spec,
                    "added_at": stored_time(self.clock.now()),
                    "enabled": 1,
                },
                ignore=True,
            )
            self.db.execute(
                "update log_sources set enabled = 1 where incident_id = ? and kind = ? "
                "and spec = ?", [incident_id, kind, spec],
            )
        return next(s for s in self.log_sources(incident_id) if (s.kind, s.spec) == (kind, spec))

    def log_sources(self, incident_id: int) -> list[LogSource]:
        """Every source of the incident, on or off, numbered from 1 in the order added."""
        return [
            LogSource(**{**r, "added_at": read_time(r["added_at"]), "enabled": bool(r["enabled"]),
                         "number": n})
            for n, r in enumerate(
                self.db["log_sources"].rows_where("incident_id = ?", [incident_id], order_by="id"),
                start=1,
            )
        ]

    def enable_log_source(self, incident_id: int, number: int, *, actor: str) -> LogSource:
        """Turn on source N (numbered as log_sources lists them): a person's explicit yes,
        since an imported command runs as the user who enables it. Logged in the audit."""
        sources = self.log_sources(incident_id)
        if not 1 <= number <= len(sources):
            listed = f"1 to {len(sources)}" if sources else "none: it has no log sources"
            raise StoreError(
                f"incident #{incident_id} has no log source {number} (its sources are {listed})"
            )
        source = sources[number - 1]
        if source.enabled:
            return source
        with write_lock(self.db):
            self.db["log_sources"].update(source.id, {"enabled": 1})
            self._event(
                incident_id, EventKind.SYSTEM, f"Log source {number} enabled: {source.what}", actor
            )
        return source.model_copy(update={"enabled": True})

    def set_role(self, incident_id: int, role: str, person: str, *, actor: str) -> Role:
        self.incident(incident_id)
        now = self.clock.now()
        with write_lock(self.db):
            self.db["roles"].upsert(
                {
                    "incident_id": incident_id,
                    "role": role,
                    "person": person,
                    "assigned_at": stored_time(now),
                },
                pk=("incident_id", "role"),
            )
            self._event(incident_id, EventKind.SYSTEM, f"{role}: {person}", actor)
        return Role(incident_id=incident_id, role=role, person=person, assigned_at=now)

    def roles(self, incident_id: int) -> list[Role]:
        return [
            Role(**{**r, "assigned_at": read_time(r["assigned_at"])})
            for r in self.db["roles"].rows_where("incident_id = ?", [incident_id], order_by="role")
        ]

    def add_action_item(
        self,
        incident_id: int,
        title: str,
        *,
        owner: str | None = None,
        priority: str | None = None,
        horizon: str | None = None,
        due: str | None = None,
    ) -> ActionItem:
        self.incident(incident_id)
        now = stored_time(self.clock.now())
        with write_lock(self.db):
            table = self.db["action_items"]
            table.insert(
                {
                    "incident_id": incident_id,
                    "title": title,
                    "owner": owner,
                    "priority": priority,
                    "horizon": horizon,
                    "status": "open",
                    "due": due,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            item_id = int(table.last_pk)
        return self.action_items(incident_id, item_id=item_id)[0]

    def action_items(self, incident_id: int, *, item_id: int | None = None) -> list[ActionItem]:
        where, args = "incident_id = ?", [incident_id]
        if item_id is not None:
            where, args = where + " and id = ?", [*args, item_id]
        return [
            ActionItem(
                **{**r, "created_at": read_time(r["created_at"]),
                   "updated_at": read_time(r["updated_at"])}
            )
            for r in self.db["action_items"].rows_where(where, args, order_by="id")
        ]

    def set_step(self, incident_id: int, phase: int, step: int, done: bool) -> None:
        """Tick or untick one process step of a phase's checklist."""
        with write_lock(self.db):
            self.db["checklist"].upsert(
                {
                    "incident_id": incident_id,
                    "phase": phase,
                    "step": step,
                    "done": int(done),
                    "updated_at": stored_time(self.clock.now()),
                },
                pk=("incident_id", "phase", "step"),
            )

    def steps_done(self, incident_id: int, phase: int) -> set[int]:
        rows = self.db["checklist"].rows_where(
            "incident_id = ? and phase = ? and done = 1", [incident_id, phase]
        )
        return {r["step"] for r in rows}


def _readable(row_id: int, column: str, value: Any, read: Any) -> Any:
    """A stored value read back, or UnreadableRow naming the column and the value found."""
    try:
        return read(value)
    except (ValueError, TypeError):
        if isinstance(read, type) and issubclass(read, Enum):
            allowed = f"not one of {', '.join(m.value for m in read)}"
        else:
            allowed = "not readable"
        raise UnreadableRow(row_id, f"{column} {value!r:.60} is {allowed}") from None


def _incident(row: dict[str, Any]) -> Incident:
    """An incidents row as an Incident; UnreadableRow if a value is not one warroom writes
    (a row changed by hand or by another program), so callers can list it as unreadable."""
    n = row["id"]
    values = {
        **row,
        "severity": _readable(n, "severity", row["severity"], Severity)
        if row["severity"] else None,
        "status": _readable(n, "status", row["status"], Status),
        "detected_at": _readable(n, "detected_at", row["detected_at"], read_time),
        "created_at": _readable(n, "created_at", row["created_at"], read_time),
    }
    try:
        return Incident(**values)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        column = ".".join(map(str, error["loc"]))
        raise UnreadableRow(n, f"{column} {error.get('input')!r:.60}: {error['msg']}") from None


def _version(row: dict[str, Any]) -> ArtifactVersion:
    return ArtifactVersion(
        **{
            k: row[k] for k in ("incident_id", "phase", "version", "body", "author", "base_version")
        },
        saved_at=read_time(row["saved_at"]),
        conflict=bool(row["conflict"]),
        after_approval=bool(row["after_approval"]),
    )
