"""One watchfiles watcher per engine, on the directories of the followed files.

Why directories: a watch on a file's own path goes silent once the file is
renamed away, which is exactly when a rotation needs noticing. Why one shared
watcher: watchfiles' Rust loop wakes every ``step`` ms while it waits; with
step=1 (needed for low latency: median 2.4 ms append-to-event with
debounce=10/step=1, against 84 ms with the defaults 1600/50) that costs ~2.5%
of a core per watcher even when idle, so one per source would add up.

Sources register a directory and a callback; the hub calls it from its thread
with the changed paths, and the source's own thread does the reading. When a
directory cannot be watched (it does not exist yet, the inotify watch limit
is reached, a network file system that sends no events, or polling is forced)
``status(directory)`` says why, and the source polls instead.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterable
from typing import Protocol

from watchfiles._rust_notify import RustNotify

__all__ = ["NETWORK_FS", "WatchHub", "filesystem_type"]

log = logging.getLogger(__name__)

DEBOUNCE_MS = 10
STEP_MS = 1
# How often the hub looks for directories that appeared, vanished or were replaced.
RECHECK_MS = 1000
STARTING = "starting"
MISSING = "directory does not exist yet"

# File systems whose changes made elsewhere send no inotify events: poll them.
NETWORK_FS = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph", "glusterfs", "lustre",
    "gpfs", "fuse.sshfs", "fuse.s3fs", "fuse.gcsfuse", "fuse.rclone", "fuse.glusterfs",
    "virtiofs", "vboxsf", "prl_fs", "fuse.vmhgfs-fuse",
})

Changes = set[tuple[int, str]]
# Called with the changes under a registered directory, or None for "look at everything".
Listener = Callable[[Changes | None], None]


class Notifier(Protocol):
    def watch(self, debounce_ms: int, step_ms: int, timeout_ms: int,
              stop_event: object) -> Changes | str: ...

    def close(self) -> None: ...


NotifierFactory = Callable[[list[str], bool], Notifier]


def _rust_notifier(paths: list[str], recursive: bool) -> Notifier:
    # ignore_permission_denied=False, or a missing path would be skipped silently.
    return RustNotify(paths, False, False, 300, recursive, False)


def filesystem_type(path: str) -> str | None:
    """The type of the file system holding ``path`` (Linux: /proc/self/mountinfo)."""
    best, fstype = "", None
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as info:
            for line in info:
                left, _, right = line.partition(" - ")
                fields = left.split()
                if len(fields) < 5 or not right:
                    continue
                mount = fields[4].replace("\\040", " ")
                inside = path == mount or path.startswith(mount.rstrip("/") + "/")
                if inside and len(mount) >= len(best):
                    best, fstype = mount, right.split()[0]
    except OSError:
        return None
    return fstype


class _Interrupt:
    """What the Rust loop polls between steps: stop, or rebuild the watch set."""

    def __init__(self) -> None:
        self.closed = False
        self.dirty = False

    def is_set(self) -> bool:
        return self.closed or self.dirty


class WatchHub:
    """Watch a changing set of directories from one thread.

    Args:
        recursive: watch whole trees (for globs with wildcards in directories).
        force_polling: never use events; every directory reports "polling (forced)".
        factory: builds the notifier (tests inject one that fails or stays silent).
    """

    def __init__(self, *, recursive: bool = False, force_polling: bool = False,
                 factory: NotifierFactory | None = None, debounce_ms: int = DEBOUNCE_MS,
                 step_ms: int = STEP_MS) -> None:
        self.recursive = recursive
        self.force_polling = force_polling
        self._factory = factory or _rust_notifier
        self._debounce, self._step = debounce_ms, step_ms
        self._lock = threading.Lock()
        self._listeners: dict[str, list[Listener]] = {}
        self._status: dict[str, str | None] = {}  # directory -> None (events) or why polled
        self._sticky: dict[str, str] = {}  # polled for good: forced, or demoted by a source
        self._identity: dict[str, tuple[int, int]] = {}
        self._interrupt = _Interrupt()
        self._idle = threading.Event()
        self._thread: threading.Thread | None = None

    def register(self, directory: str, listener: Listener) -> None:
        """Deliver changes under ``directory`` to ``listener`` (from the hub's thread)."""
        directory = os.path.abspath(directory)
        with self._lock:
            self._listeners.setdefault(directory, []).append(listener)
            if self.force_polling:
                self._sticky[directory] = self._status[directory] = "polling (forced)"
                return
            self._status.setdefault(directory, STARTING)
            self._wake()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="warroom-watch",
                                                daemon=True)
                self._thread.start()

    def unregister(self, directory: str, listener: Listener) -> None:
        directory = os.path.abspath(directory)
        with self._lock:
            listeners = self._listeners.get(directory, [])
            if listener in listeners:
                listeners.remove(listener)
            if not listeners:
                self._listeners.pop(directory, None)
                self._status.pop(directory, None)
                self._sticky.pop(directory, None)
                self._wake()

    def status(self, directory: str) -> str | None:
        """None when ``directory`` is watched by events, else why it must be polled."""
        return self._status.get(os.path.abspath(directory), "not registered")

    def demote(self, directory: str, reason: str) -> None:
        """Stop trusting events for ``directory`` (a source saw changes none announced)."""
        directory = os.path.abspath(directory)
        with self._lock:
            if directory in self._listeners:
                self._sticky[directory] = self._status[directory] = reason
                self._wake()

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def close(self) -> None:
        self._interrupt.closed = True
        self._idle.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _wake(self) -> None:
        self._interrupt.dirty = True
        self._idle.set()

    # --- the watcher thread ----------------------------------------------------------

    def _run(self) -> None:
        notifier: Notifier | None = None
        try:
            while not self._interrupt.closed:
                if self._interrupt.dirty:
                    if notifier is not None:
                        notifier.close()
                    notifier = self._rebuild()
                if notifier is None:
                    self._idle.wait(RECHECK_MS / 1000)
                    self._idle.clear()
                    self._recheck()
                    continue
                result = notifier.watch(self._debounce, self._step, RECHECK_MS, self._interrupt)
                if isinstance(result, set):
                    self._dispatch(result)
                elif result == "timeout":
                    self._recheck()
        except Exception:  # the hub must not die silently: every source falls back to polling
            log.exception("file watcher failed; polling instead")
            with self._lock:
                for directory in self._listeners:
                    self._sticky[directory] = self._status[directory] = (
                        "polling (file watcher failed)")
            self._notify_all()
        finally:
            if notifier is not None:
                notifier.close()

    def _rebuild(self) -> Notifier | None:
        """Watch every registered directory we can; the others are polled."""
        with self._lock:
            self._interrupt.dirty = False
            dirs = sorted(self._listeners)
            sticky = dict(self._sticky)
        status: dict[str, str | None] = {}
        candidates: list[str] = []
        for directory in dirs:
            if directory in sticky:
                status[directory] = sticky[directory]
                continue
            try:
                st = os.stat(directory)
            except OSError:
                status[directory] = MISSING
                continue
            fstype = filesystem_type(directory)
            if fstype in NETWORK_FS:
                status[directory] = f"polling ({fstype} sends no change events)"
                continue
            self._identity[directory] = (st.st_dev, st.st_ino)
            candidates.append(directory)
        notifier, refused = self._build(candidates)
        for directory in candidates:
            status[directory] = refused.get(directory)
        with self._lock:
            self._status = {d: status.get(d, STARTING) for d in self._listeners}
        self._notify_all()  # changes made during the rebuild would otherwise be missed
        return notifier

    def _build(self, dirs: list[str]) -> tuple[Notifier | None, dict[str, str]]:
        if not dirs:
            return None, {}
        with contextlib.suppress(OSError):
            return self._factory(dirs, self.recursive), {}
        # Some directory is refused (watch limit, permission): find which, one at a time.
        accepted: list[str] = []
        refused: dict[str, str] = {}
        notifier: Notifier | None = None
        for directory in dirs:
            try:
                candidate = self._factory([*accepted, directory], self.recursive)
            except OSError as exc:
                refused[directory] = f"polling (cannot watch: {exc})"
                continue
            if notifier is not None:
                notifier.close()
            notifier, accepted = candidate, [*accepted, directory]
        return notifier, refused

    def _recheck(self) -> None:
        """Rebuild when a missing directory appeared or a watched one was replaced."""
        with self._lock:
            status = dict(self._status)
        for directory, reason in status.items():
            try:
                st = os.stat(directory)
                now: tuple[int, int] | None = (st.st_dev, st.st_ino)
            except OSError:
                now = None
            appeared = reason == MISSING and now is not None
            replaced = reason is None and now != self._identity.get(directory)
            if appeared or replaced:
                self._interrupt.dirty = True
                return

    def _dispatch(self, changes: Changes) -> None:
        by_listener: dict[Listener, Changes] = {}
        with self._lock:
            for change in changes:
                for directory in _owners(change[1], self.recursive):
                    for listener in self._listeners.get(directory, ()):
                        by_listener.setdefault(listener, set()).add(change)
        for listener, mine in by_listener.items():
            self._call(listener, mine)

    def _notify_all(self) -> None:
        with self._lock:
            listeners = [fn for fns in self._listeners.values() for fn in fns]
        for listener in listeners:
            self._call(listener, None)

    @staticmethod
    def _call(listener: Listener, changes: Changes | None) -> None:
        with contextlib.suppress(Exception):
            listener(changes)


def _owners(path: str, recursive: bool) -> Iterable[str]:
    """The registered directories a changed path may belong to."""
    parent = os.path.dirname(path)
    yield parent
    yield path  # the directory itself (created, deleted)
    if recursive:
        while True:
            up = os.path.dirname(parent)
            if up == parent:
                return
            yield up
            parent = up
