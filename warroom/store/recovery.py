"""Recovery copies: typed text that the database refused, kept in a private file until saved.

When a save fails (disk full, read-only file, database deleted under the war
room), the editor keeps the text, and a copy goes to the user's state directory
(platformdirs), one file per session and artifact, mode 0600 in a 0700
directory: the text is the incident's. The next time the artifact is opened the
copy is offered back; it is deleted only once its text is saved or the user
discards it.
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

import platformdirs


def recovery_dir() -> Path:
    """Where copies live: the user state dir (XDG_STATE_HOME/warroom/recovery on Linux)."""
    return Path(platformdirs.user_state_dir("warroom", appauthor=False)) / "recovery"


@dataclass(frozen=True, slots=True)
class RecoveryCopy:
    """Unsaved text of one artifact, and what it was based on and why it was not saved."""

    incident_uid: str
    incident_id: int
    phase: int
    code: str
    base_version: int
    text: str
    reason: str
    written_at: str
    db: str
    session: str
    path: Path | None = None

    def to_json(self) -> str:
        data = asdict(self)
        data.pop("path")
        return json.dumps(data, ensure_ascii=False, indent=1)


def write_copy(copy: RecoveryCopy, directory: Path | None = None) -> Path:
    """Write (or overwrite) the copy of this session's artifact atomically; return its path.

    Raises OSError if the state dir cannot be written either (the caller says so:
    the text then lives only in the editor).
    """
    directory = directory or recovery_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = directory / f"{copy.incident_uid}-phase{copy.phase}-{copy.session}.json"
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")  # 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(copy.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def copies(incident_uid: str | None = None, directory: Path | None = None) -> list[RecoveryCopy]:
    """Copies waiting to be restored (of one incident, or all), oldest first.

    A file that cannot be read or parsed is skipped, never deleted: it may be
    the only copy of something, and a person can open it by hand.
    """
    directory = directory or recovery_dir()
    found = []
    pattern = f"{incident_uid}-phase*.json" if incident_uid else "*-phase*.json"
    for path in directory.glob(pattern):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            found.append(RecoveryCopy(**data, path=path))
        except (OSError, ValueError, TypeError):
            continue
    return sorted(found, key=lambda c: c.written_at)


def discard(copy: RecoveryCopy) -> None:
    """Delete a copy once its text is saved (or the user said to drop it)."""
    if copy.path is not None:
        copy.path.unlink(missing_ok=True)


def session_id() -> str:
    """A name for this process's copies, so two sessions never overwrite each other's."""
    return f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
