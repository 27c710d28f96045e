"""What a bundle may hold, field by field: checked whole before anything is written.

A bundle is data from another machine, made by anyone. Every value is checked
against these models (enums for every closed vocabulary, timezone-aware ISO
times, whole numbers in range, caps on every text) so that a bad bundle is
refused with the field it names, and nothing in it can reach the database
that this warroom could not read back. Strings stay strings (times are checked,
not reparsed) so that export → import → export gives the same bytes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
)

from warroom.core.actions import HORIZONS, PRIORITIES, STATUSES
from warroom.core.milestones import MilestoneKind, MilestoneOrigin
from warroom.core.models import EventKind, Severity, Status
from warroom.core.state import PhaseState, Verdict
from warroom.timeline.parse import LEVELS

MIB = 1024 * 1024
MAX_BUNDLE_BYTES = 64 * MIB
MAX_TITLE = 300  # an incident's or an action item's title
MAX_NAME = 300  # a person, a role, an outcome, a source tag, a workflow name
MAX_TEXT = MIB  # an artifact version, a timeline entry, a comment, an answer (UTF-8 bytes)
MAX_ROWS = 10_000_000  # an index into a table (the bundle's size caps the rest)
_BIG = 2**62  # positions (byte offsets) stay inside SQLite's 64-bit integers


def _iso_time(value: str) -> str:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value[:40]!r} is not an ISO-8601 time") from None
    if parsed.tzinfo is None:
        raise ValueError(f"{value[:40]!r} has no time zone (e.g. +00:00)")
    return value


def _iso_date(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value[:40]!r} is not a date like 2026-12-04") from None
    return value


def _text_bytes(value: str) -> str:
    size = len(value.encode("utf-8", "surrogatepass"))
    if size > MAX_TEXT:
        raise ValueError(f"is {size:,} bytes, over the {MAX_TEXT:,} allowed")
    return value


Time = Annotated[StrictStr, AfterValidator(_iso_time)]
Day = Annotated[StrictStr, AfterValidator(_iso_date)]
Name = Annotated[StrictStr, Field(min_length=1, max_length=MAX_NAME)]
OptName = Annotated[StrictStr, Field(max_length=MAX_NAME)] | None
Title = Annotated[StrictStr, Field(min_length=1, max_length=MAX_TITLE)]
Body = Annotated[StrictStr, AfterValidator(_text_bytes)]
Phase = Annotated[StrictInt, Field(ge=1, le=99)]
Version = Annotated[StrictInt, Field(ge=1, le=_BIG)]
Hash = Annotated[StrictStr, Field(pattern=r"^[0-9a-f]{64}$")]


class _Row(BaseModel):
    """Unknown fields are refused: a bundle carries exactly what export writes."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class IncidentRow(_Row):
    uid: Annotated[StrictStr, Field(pattern=r"^[0-9a-fA-F-]{8,64}$")]
    title: Title
    severity: Severity | None
    status: Status
    detected_at: Time
    created_at: Time
    workflow: Name
    last_phase: Phase
    labels: dict[Annotated[StrictStr, Field(max_length=MAX_NAME)], Body] | None


class PhaseStateRow(_Row):
    phase: Phase
    state: PhaseState
    updated_at: Time


class ArtifactVersionRow(_Row):
    phase: Phase
    version: Version
    body: Body
    author: Name
    saved_at: Time
    base_version: Version | None
    conflict: StrictBool
    after_approval: StrictBool


class GateDecisionRow(_Row):
    phase: Phase
    verdict: Verdict
    outcome: Name
    reviewer: Name
    decided_at: Time
    criteria_ticked: list[Annotated[StrictInt, Field(ge=1, le=999)]] | None
    comment: Body | None
    artifact_version: Version | None
    checks: dict[Annotated[StrictStr, Field(pattern=r"^[0-9]{1,3}$")], StrictBool | None] | None
    # Failed checks the reviewer overrode, with the reason; absent in bundles made before.
    overrides: dict[Annotated[StrictStr, Field(pattern=r"^[0-9]{1,3}$")], Body] | None = None


class OutputRow(_Row):
    head: Body
    tail: Body
    skipped: Annotated[StrictInt, Field(ge=0, le=_BIG)]
    total: Annotated[StrictInt, Field(ge=0, le=_BIG)]


class ActionRow(_Row):
    """A recorded command's details (the command line is the entry's text)."""

    cwd: Annotated[StrictStr, Field(max_length=4096)]
    user: Name
    host: Annotated[StrictStr, Field(max_length=MAX_NAME)]
    started_at: Time
    ended_at: Time
    how: Literal["run", "shell", "war room"]
    stdout: OutputRow | None
    stderr: OutputRow | None


class TimelineEventRow(_Row):
    kind: EventKind
    occurred_at: Time
    recorded_at: Time
    text: Body
    author: Name
    source: Annotated[StrictStr, Field(max_length=4096)] | None
    position: Annotated[StrictInt, Field(ge=0, le=_BIG)] | None
    level: Literal[LEVELS] | None  # type: ignore[valid-type]
    removed: StrictBool
    # Since recorded commands and checkable evidence; absent in older bundles.
    exit_status: Annotated[StrictInt, Field(ge=0, le=255)] | None = None
    action: ActionRow | None = None
    sha256: Hash | None = None
    file_inode: Annotated[StrictInt, Field(ge=0, le=2**64)] | None = None
    file_size: Annotated[StrictInt, Field(ge=0, le=_BIG)] | None = None
    file_mtime_ns: Annotated[StrictInt, Field(ge=-(2**63), le=2**63)] | None = None


class LogSourceRow(_Row):
    kind: Literal["file", "glob", "cmd"]
    spec: Annotated[StrictStr, Field(min_length=1, max_length=4096)]
    added_at: Time


class RoleRow(_Row):
    role: Name
    person: Name
    assigned_at: Time


class ActionItemRow(_Row):
    title: Title
    owner: OptName
    priority: Literal[PRIORITIES] | None  # type: ignore[valid-type]
    horizon: Literal[HORIZONS] | None  # type: ignore[valid-type]
    status: Literal[STATUSES]  # type: ignore[valid-type]
    due: Day | None
    created_at: Time
    updated_at: Time
    origin: OptName
    done_at: Time | None


class ChecklistRow(_Row):
    phase: Phase
    step: Annotated[StrictInt, Field(ge=0, le=999)]
    done: StrictBool
    updated_at: Time


class PanelAnswerRow(_Row):
    role: Name
    question: Body
    answer: Body
    author: Name
    answered_at: Time


class MilestoneRow(_Row):
    kind: MilestoneKind
    at: Time
    event: Annotated[StrictInt, Field(ge=0, le=MAX_ROWS)] | None
    origin: MilestoneOrigin
    set_by: Name
    set_at: Time


class ChainEntry(_Row):
    """One link of the audit chain: which row (by table and index), its hash, and the links."""

    table: Literal["timeline_events", "gate_decisions", "artifact_versions"]
    row: Annotated[StrictInt, Field(ge=0, le=MAX_ROWS)] | None  # None: its row was gone
    row_hash: Hash
    prev_hash: Hash
    hash: Hash


class BundleModel(BaseModel):
    """A whole bundle. `audit_chain` arrived with format version 2."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["warroom-incident-bundle"]
    version: Literal[1, 2]
    incident: IncidentRow
    phase_states: list[PhaseStateRow]
    artifact_versions: list[ArtifactVersionRow]
    gate_decisions: list[GateDecisionRow]
    timeline_events: list[TimelineEventRow]
    log_sources: list[LogSourceRow]
    roles: list[RoleRow]
    action_items: list[ActionItemRow]
    checklist: list[ChecklistRow]
    panel_answers: list[PanelAnswerRow]
    milestones: list[MilestoneRow]
    audit_chain: list[ChainEntry] | None = None
    content_hash: Hash


def _path(loc: tuple[int | str, ...]) -> str:
    where = ""
    for part in loc:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    return where


def first_problem(exc: ValidationError) -> str:
    """The first field pydantic refused, as `bundle timeline_events[3].kind: why (got 'x')`."""
    errors = exc.errors(include_url=False)
    error = errors[0]
    more = f"; and {len(errors) - 1} more" if len(errors) > 1 else ""
    loc = tuple(error["loc"])
    if error["type"] == "missing":
        parent = _path(loc[:-1])
        return f"bundle {parent + ' ' if parent else ''}is missing {loc[-1]}{more}"
    message = error["msg"]
    if error["type"] != "extra_forbidden" and "input" in error:
        shown = repr(error["input"])  # repr: a hostile value's control characters stay escaped
        message += f" (got {shown[:60]}{'…' if len(shown) > 60 else ''})"
    return f"bundle {_path(loc) or 'top level'}: {message}{more}"
