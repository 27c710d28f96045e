"""`warroom shell`'s hook: one command line into the incident timeline, fast.

The shell starts this after every command (bash's PROMPT_COMMAND, zsh's precmd)
as `python -I -S hook.py MARKER DB INCIDENT USER HOST STATUS START END CWD COMMAND`,
in the background, so the prompt comes back at once; the MARKER file the shell
made is removed when the entry is written (`warroom shell` waits for the last
ones before it counts). It is kept quick all the same: it imports only the
standard library's sqlite3, json and datetime and warroom.store.hashing (the
audit chain's hashing alone), and writes the entry and its chain link in one
transaction. Nothing it does may break the shell: a failure is one line on
stderr, and the shell goes on.
"""

from __future__ import annotations

import os
import sys

USAGE = "hook.py MARKER DB INCIDENT USER HOST STATUS START END CWD COMMAND"


def record(argv: list[str]) -> int | None:
    """Insert one action; return its id (None: an empty command line, nothing to record)."""
    import json
    import sqlite3
    from datetime import UTC, datetime

    from warroom.store import hashing

    db, incident, user, host, status, start, end, cwd, command = argv
    if not command.strip():
        return None
    incident_id = int(incident)
    exit_status = int(status) if status.lstrip("-").isdigit() else None
    started = datetime.fromtimestamp(float(start), UTC)
    ended = datetime.fromtimestamp(float(end), UTC)
    action = {"cwd": cwd, "user": user, "host": host, "started_at": started.isoformat(),
              "ended_at": ended.isoformat(), "how": "shell", "stdout": None, "stderr": None}
    row = {
        "incident_id": incident_id, "kind": "action", "occurred_at": started.isoformat(),
        "recorded_at": ended.isoformat(), "text": command, "author": user, "source": host,
        "position": None, "level": None, "removed": 0, "exit_status": exit_status,
        "action": json.dumps(action, ensure_ascii=False),
        "sha256": hashing.action_sha256(command, exit_status, action),
    }
    conn = sqlite3.connect(db, isolation_level=None, timeout=5)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            names = ", ".join(row)
            marks = ", ".join("?" * len(row))
            cursor = conn.execute(
                f"insert into timeline_events ({names}) values ({marks})", list(row.values())
            )
            row_id = int(cursor.lastrowid or 0)
            hashing.append_row(conn, incident_id, "timeline_events", row_id, row)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.close()
    return row_id


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 10:
        print(f"warroom hook: usage: {USAGE}", file=sys.stderr)
        return 2
    marker, *rest = args
    try:
        record(rest)
    except Exception as exc:  # noqa: BLE001 - the shell must go on whatever happened here
        print(f"\nwarroom: this command was not recorded: {type(exc).__name__}: {exc}",
              file=sys.stderr)
        return 1
    finally:
        if marker != "-":
            try:  # noqa: SIM105 - contextlib would cost an import on every command
                os.unlink(marker)
            except OSError:
                pass
    return 0


if __name__ == "__main__":
    # Run by path with -I -S: the package's parent goes on the path instead of warroom/
    # itself (whose module names would shadow the standard library's).
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.exit(main())
