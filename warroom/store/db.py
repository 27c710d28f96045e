"""Opening the SQLite file safely: permissions, pragmas, validation, migrations.

A file that is not a warroom database, is corrupt, or was written by a newer
warroom is refused with one line, and left byte-for-byte untouched: it is
inspected by reading its header before SQLite is allowed to open it.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
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


class StorageFault(StoreError):
    """The file or its disk refused a write (full, read-only, deleted): nothing was saved.

    `cause` is the short name of what failed ("disk full", "database is read-only",
    "directory is not writable", "database was deleted", "database was replaced",
    "disk I/O error"); the message says what to do about it.
    """

    def __init__(self, cause: str, message: str) -> None:
        super().__init__(f"{cause}: {message}")
        self.cause = cause


def _writable(path: Path) -> bool:
    """Whether this process (its effective ids: root may have dropped them) can write `path`."""
    return os.access(path, os.W_OK, effective_ids=os.access in os.supports_effective_ids)


def _read_only_mount(directory: Path) -> bool:
    try:
        return bool(os.statvfs(directory).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _disk_full(directory: Path) -> bool:
    try:
        stat = os.statvfs(directory)
    except OSError:
        return False
    return stat.f_bavail == 0 or (stat.f_files > 0 and stat.f_favail == 0)


def storage_fault(exc: BaseException, path: Path) -> StorageFault | None:
    """Name the real cause of a failed write (SQLite's or the OS's), or None if it is not one.

    SQLite says "attempt to write a readonly database" whether the file, its
    directory (no room for the -wal/-journal) or the file system is the problem,
    and "disk I/O error" for a full disk in some paths: the file system is asked.
    """
    name = getattr(exc, "sqlite_errorname", "") or ""
    code = exc.errno if isinstance(exc, OSError) else None
    directory = path.parent
    if name == "SQLITE_FULL" or code in (errno.ENOSPC, errno.EDQUOT):
        return StorageFault(
            "disk full", f"cannot write {path}; free some space on its disk (df -h {directory})"
        )
    io_error = name.startswith("SQLITE_IOERR") or code == errno.EIO
    if not (
        io_error
        or name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM"))
        or code in (errno.EACCES, errno.EPERM, errno.EROFS)
    ):
        return None
    if _read_only_mount(directory):
        return StorageFault(
            "file system is read-only",
            f"{directory} is on a file system mounted read-only (often after disk errors: "
            "dmesg); remount it writable or move the database",
        )
    if path.exists() and not _writable(path):
        return StorageFault(
            "database is read-only",
            f"{path} cannot be written; make it writable (chmod u+w {path}) "
            "or point --db elsewhere",
        )
    if not _writable(directory):
        return StorageFault(
            "directory is not writable",
            f"{directory} (SQLite keeps its -wal and -journal files beside {path.name}); "
            "make it writable or move the database",
        )
    if io_error and _disk_full(directory):
        return StorageFault(
            "disk full", f"cannot write {path}; free some space on its disk (df -h {directory})"
        )
    if io_error:
        return StorageFault("disk I/O error", f"writing {path} failed; check the disk (dmesg)")
    if name.startswith("SQLITE_READONLY"):
        return StorageFault(
            "database is read-only",
            f"{path} was opened read-only (it was not writable then); quit and reopen warroom",
        )
    return None


def file_identity(path: Path) -> tuple[int, int] | None:
    """The device and inode the path names now (None: nothing there)."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino


class Database(sqlite_utils.Database):
    """A warroom database: remembers which file it opened, to refuse writing into another.

    SQLite keeps writing into a file that was deleted or moved away (the open
    descriptor still works) and the writes vanish with it; so before each write
    the path is checked to still name the file that was opened.
    """

    path: Path
    identity: tuple[int, int] | None

    def check_identity(self) -> None:
        now = file_identity(self.path)
        if now == self.identity:
            return
        if now is None:
            raise StorageFault(
                "database was deleted",
                f"{self.path} was deleted or moved away while open; nothing is written to "
                "the lost file: put it back, or quit and reopen to start a new one",
            )
        raise StorageFault(
            "database was replaced",
            f"{self.path} was replaced by another file while open; nothing is written into "
            "either: put the original back, or quit and reopen on the new one",
        )


def default_db_path() -> Path:
    """The database in the user's data directory, unless WARROOM_DB says otherwise."""
    env = os.environ.get("WARROOM_DB")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("warroom", appauthor=False)) / "warroom.db"


def _create_file(path: Path, shared: bool, create_dirs: bool) -> None:
    """Create the file ourselves so it is 0600 (0660 shared); SQLite's -wal/-shm follow it.

    Only the default location gets its directories made: a path someone typed
    whose directory is missing is a typo, not a place to start an empty database.
    """
    if not path.parent.is_dir() and not create_dirs:
        raise StoreError(
            f"directory {path.parent} does not exist; fix the path given to --db or "
            f"WARROOM_DB, or create it first (mkdir -p {path.parent})"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o660 if shared else 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        fault = storage_fault(exc, path)
        if fault is not None:
            raise fault from None
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
    create_dirs: bool = True,
) -> Database:
    """Open (creating if needed) and migrate the database at `path`."""
    path = path.expanduser()
    schema_version = len(migrations)
    existed = path.exists() and _inspect_header(path, schema_version)
    if not existed:
        _create_file(path, shared, create_dirs)
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise storage_fault(exc, path) or StoreError(
            f"cannot open database {path}: {exc}") from None
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
        db = Database(conn)
        db.path, db.identity = path, file_identity(path)
        _migrate(db, migrations)
    except StoreError:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        fault = storage_fault(exc, path)
        if fault is not None:
            raise fault from None
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

    A write the file or its disk refuses (full, read-only, deleted under us) is a
    StorageFault naming the cause; the transaction is rolled back whole.
    """
    path = getattr(db, "path", None)
    if isinstance(db, Database):
        db.check_identity()
    try:
        db.conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        fault = storage_fault(exc, path) if path is not None else None
        if fault is not None:
            raise fault from None
        raise StoreError(
            f"the database is busy ({exc}); another warroom holds the write lock, try again"
        ) from None
    try:
        yield db
        db.conn.execute("COMMIT")
    except sqlite3.Error as exc:
        _rollback(db)
        fault = storage_fault(exc, path) if path is not None else None
        if fault is not None:
            raise fault from None
        if isinstance(exc, sqlite3.OperationalError):  # locked past the timeout, and the like
            raise StoreError(f"writing {path or 'the database'} failed: {exc}; try again") from None
        raise
    except BaseException:
        _rollback(db)
        raise


def _rollback(db: sqlite_utils.Database) -> None:
    """Undo an open transaction; SQLite may already have (a full disk rolls back itself)."""
    if db.conn.in_transaction:
        with suppress(sqlite3.Error):
            db.conn.execute("ROLLBACK")
