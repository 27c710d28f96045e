"""Opening the SQLite file safely: permissions, pragmas, validation, migrations.

A file that is not a warroom database, is corrupt, or was written by a newer
warroom is refused with one line, and left byte-for-byte untouched: it is
inspected by reading its header before SQLite is allowed to open it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import platformdirs
import sqlite_utils

APPLICATION_ID = 0x57415252  # "WARR": marks the file as warroom's (PRAGMA application_id)
BUSY_TIMEOUT_MS = 5000
_SQLITE_MAGIC = b"SQLite format 3\x00"


class StoreError(Exception):
    """A problem with the database file, worded for the person at the keyboard."""


class UnreadableRow(StoreError):
    """An incident whose stored values warroom cannot read back (changed outside it).

    Lists show it in its place, as unreadable, instead of failing for every incident.
    """

    def __init__(self, incident_id: int, problem: str) -> None:
        super().__init__(
            f"incident #{incident_id} is unreadable: {problem} (changed outside warroom); "
            "fix or remove the row with sqlite3, or restore the file from a backup"
        )
        self.id = incident_id
        self.problem = problem


def default_db_path() -> Path:
    """The database in the user's data directory, unless WARROOM_DB says otherwise."""
    env = os.environ.get("WARROOM_DB")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("warroom", appauthor=False)) / "warroom.db"


def _create_file(path: Path, shared: bool) -> None:
    """Create the file ourselves so it is 0600 (0660 shared); SQLite's -wal/-shm follow it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o660 if shared else 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise StoreError(
            f"cannot create database {path}: {exc.strerror}; choose another place with --db PATH"
        ) from None
    os.close(fd)
    if shared:
        os.chmod(path, 0o660)  # the umask may have cut the group bits


def _inspect_header(path: Path, schema_version: int) -> bool:
    """Check an existing file from its header; return False if it is empty (new)."""
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except IsADirectoryError:
        raise StoreError(f"{path} is a directory, not a database; pass a file to --db") from None
    except OSError as exc:
        raise StoreError(
            f"cannot read database {path}: {exc.strerror}; check its permissions or use --db PATH"
        ) from None
    if not header:
        return False
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        raise StoreError(
            f"{path} is not a warroom database (not an SQLite file); "
            "point --db or WARROOM_DB at another file"
        )
    app_id = int.from_bytes(header[68:72], "big")
    version = int.from_bytes(header[60:64], "big")
    if app_id != APPLICATION_ID:
        raise StoreError(
            f"{path} is an SQLite file but not a warroom database; "
            "point --db or WARROOM_DB at another file"
        )
    if version > schema_version:
        raise StoreError(
            f"{path} was written by a newer warroom (schema {version}, this one knows "
            f"{schema_version}); upgrade warroom to open it"
        )
    return True


def connect(
    path: Path,
    migrations: list[Callable[[sqlite_utils.Database], None]],
    *,
    shared: bool = False,
) -> sqlite_utils.Database:
    """Open (creating if needed) and migrate the database at `path`."""
    path = path.expanduser()
    schema_version = len(migrations)
    existed = path.exists() and _inspect_header(path, schema_version)
    if not existed:
        _create_file(path, shared)
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open database {path}: {exc}") from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Reading the schema is what reveals a corrupt file, before anything is written.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if existed:
            problem = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
            if problem != "ok":
                raise sqlite3.DatabaseError(problem)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        db = sqlite_utils.Database(conn)
        _migrate(db, migrations)
    except sqlite3.DatabaseError as exc:
        conn.close()
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreError(
                f"database {path} is busy (another warroom is migrating it); try again"
            ) from None
        raise StoreError(
            f"{path} is corrupt ({exc}); restore it from a backup or point --db elsewhere"
        ) from None
    return db


def _migrate(db: sqlite_utils.Database, migrations: list[Callable[[sqlite_utils.Database], None]]):
    """Bring the schema up to date, one numbered migration at a time, under the write lock."""
    current = db.execute("PRAGMA user_version").fetchone()[0]
    if current == len(migrations):
        return
    with write_lock(db):
        current = db.execute("PRAGMA user_version").fetchone()[0]
        if current > len(migrations):
            raise StoreError(
                f"the database was written by a newer warroom (schema {current}); upgrade warroom"
            )
        if current == 0:
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        for number, migration in enumerate(migrations[current:], start=current + 1):
            migration(db)
            db.execute(f"PRAGMA user_version = {number}")
    # Put the new header (application id, schema version) into the main file now, so
    # another process that inspects the header before opening sees a warroom file.
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@contextmanager
def write_lock(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """A write transaction that takes the lock up front (BEGIN IMMEDIATE).

    A deferred transaction that reads then writes fails with SQLITE_BUSY at once,
    whatever the busy timeout, if another process wrote in between; taking the
    lock first makes concurrent responders wait their turn instead.
    """
    try:
        db.conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise StoreError(
            f"the database is busy ({exc}); another warroom holds the write lock, try again"
        ) from None
    try:
        yield db
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")
