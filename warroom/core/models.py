"""Domain types shared by the store, the CLI, export and the UI.

Names follow the seed: Incident, Artifact, GateDecision, TimelineEvent,
ActionItem. These are plain values; the store converts rows to and from them.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from warroom.core.state import PhaseState


class Severity(StrEnum):
    """The seed's three severities, spelled as the artifact spells them."""

    CRITICAL = "Critical"
    MAJOR = "Major"
    MINOR = "Minor"

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Accept any case; raise ValueError with the allowed values."""
        for member in cls:
            if member.value.lower() == text.strip().lower():
                return member
        raise ValueError(f"severity {text!r} is not one of critical, major, minor")


class Status(StrEnum):
    """Where the incident stands for its users; Closed: resolved and the follow-up is done."""

    ONGOING = "Ongoing"
    MITIGATED = "Mitigated"
    RESOLVED = "Resolved"
    CLOSED = "Closed"

    @property
    def rank(self) -> int:
        """Its place in the lifecycle: an artifact may move the status on, never back."""
        return list(Status).index(self)

    @property
    def ended(self) -> bool:
        """Resolved or closed: the clocks stop, no stakeholder update is due."""
        return self in (Status.RESOLVED, Status.CLOSED)


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True)


class Incident(_Value):
    """One incident, as listed and shown in the header."""

    id: int
    uid: str
    title: str
    severity: Severity | None
    status: Status
    detected_at: datetime
    created_at: datetime
    workflow: str
    last_phase: int = 1

    @property
    def ref(self) -> str:
        return f"#{self.id}"


class ArtifactVersion(_Value):
    """One saved version of a phase's artifact; every save is kept."""

    incident_id: int
    phase: int
    version: int
    body: str
    author: str
    saved_at: datetime
    base_version: int | None = None
    conflict: bool = False  # saved on top of an older version than the newest one
    after_approval: bool = False


class StoredDecision(_Value):
    """A gate decision as recorded: who, when, criteria ticked, comment."""

    id: int
    incident_id: int
    phase: int
    verdict: str
    outcome: str
    reviewer: str
    decided_at: datetime
    criteria_ticked: tuple[int, ...]
    comment: str
    artifact_version: int | None
    checks: dict[int, bool | None] = {}  # automatic check results at decision time
    overrides: dict[int, str] = {}  # failed checks the reviewer overrode: criterion -> reason


class EventKind(StrEnum):
    """What kind of entry the incident timeline holds."""

    NOTE = "note"
    PIN = "pin"
    SYSTEM = "system"
    ACTION = "action"  # a command someone ran (warroom run, warroom shell, the war room)


class Output(_Value):
    """One stream of a recorded command: its first and last bytes, and how much was between.

    Decoded as UTF-8 (invalid bytes replaced); untrusted text like a log line.
    """

    head: str = ""
    tail: str = ""
    skipped: int = 0  # bytes neither in head nor tail
    total: int = 0  # bytes the stream carried

    @property
    def text(self) -> str:
        """The kept output, with a line saying how much was left out between."""
        if not self.skipped:
            return self.head + self.tail
        gap = f"\n…[{self.skipped:,} bytes not kept]…\n"
        return self.head + gap + self.tail


class ActionDetail(_Value):
    """What a recorded command was, besides its command line and exit status."""

    cwd: str
    user: str
    host: str
    started_at: datetime
    ended_at: datetime
    how: str = "run"  # run | shell | war room
    stdout: Output | None = None  # None: not captured (warroom shell)
    stderr: Output | None = None

    @property
    def captured(self) -> bool:
        return self.stdout is not None


class TimelineEvent(_Value):
    """An entry of the incident timeline (and the audit log)."""

    id: int
    incident_id: int
    kind: EventKind
    occurred_at: datetime
    recorded_at: datetime
    text: str
    author: str
    source: str | None = None
    position: int | None = None
    level: str | None = None
    removed: bool = False
    exit_status: int | None = None  # actions: the command's status (128+N: killed by signal N)
    action: ActionDetail | None = None
    sha256: str | None = None  # of the content when recorded: a pinned line's bytes, an action
    file_inode: int | None = None  # a pinned file line: the file as it was when pinned
    file_size: int | None = None
    file_mtime_ns: int | None = None


class LogSource(_Value):
    """A log the incident follows: a file, a glob, or a command."""

    id: int
    incident_id: int
    kind: str  # "file" | "glob" | "cmd"
    spec: str
    added_at: datetime
    enabled: bool = True  # an imported source is off until someone here turns it on
    number: int = 0  # its place among the incident's sources, from 1 (--enable-source N)

    @property
    def what(self) -> str:
        """How a person reads it: "command: journalctl -f", "file: /var/log/app.log"."""
        return f"{'command' if self.kind == 'cmd' else self.kind}: {self.spec}"


class Role(_Value):
    """Who holds a role (incident commander, investigator, communicator...)."""

    incident_id: int
    role: str
    person: str
    assigned_at: datetime


class ActionItem(_Value):
    """A follow-up task that outlives the incident."""

    id: int
    incident_id: int
    title: str
    owner: str | None
    priority: str | None
    horizon: str | None
    status: str
    due: str | None
    created_at: datetime
    updated_at: datetime
    origin: str | None = None  # where it came from: "INC-5 #2", "INC-6" (a hand edit), "manual"
    done_at: datetime | None = None


class PhaseView(_Value):
    """A phase's state together with its spec's name, for status listings."""

    number: int
    name: str
    code: str
    state: PhaseState
    gated: bool
