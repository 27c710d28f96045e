"""Log sources that run in their own thread: a file, a glob of files.

Each source reads, sanitises and parses in its thread and hands finished
records and state events to a sink (the engine), so nothing slow ever runs
on the UI's thread. A file source sleeps until the watch hub says its
directory changed, or until a poll tick when the directory cannot be watched;
even with events it looks once a second, for the changes no event announced.
"""

from __future__ import annotations

import glob
import os
import threading
import time
from dataclasses import dataclass
from datetime import tzinfo
from typing import ClassVar, Literal, Protocol

from watchfiles import Change

from warroom.clock import Clock
from warroom.timeline.follow import FileFollower, FollowResult, Opener
from warroom.timeline.formats import compressed
from warroom.timeline.records import LogRecord, RecordMaker, SourceEvent, SourceState
from warroom.timeline.sanitize import sanitize
from warroom.timeline.watch import MISSING, STARTING, Changes, WatchHub

__all__ = ["FileSource", "GlobSource", "Sink", "Source", "TailOptions"]


@dataclass(frozen=True, slots=True)
class TailOptions:
    """Tuning shared by the sources of an engine.

    poll_interval: seconds between stats of a file that cannot be watched by
        events (NFS, watch limit, forced). 50 ms keeps a polled file within
        the 100 ms p95 latency target; one stat costs a few microseconds, so
        even 100 polled files stay well under 1% of a core.
    safety_interval: seconds between checks of a watched file with no event:
        catches what no event announced (chmod, a silent file system).
    max_lag_bytes: how far a file may run ahead of the reader before it skips
        to the last lines (16 MiB: ~2.5 s of a 50,000 lines/s log).
    """

    backlog: int = 200
    poll_interval: float = 0.05
    safety_interval: float = 1.0
    reglob_interval: float = 2.0
    rotate_wait: float = 2.0
    display_max: int = 4096
    max_line_bytes: int = 1 << 20
    read_limit: int = 4 << 20
    catchup_bytes: int = 8 << 20
    max_lag_bytes: int | None = 16 << 20
    force_polling: bool = False


class Sink(Protocol):
    def submit(self, records: list[LogRecord], events: list[SourceEvent]) -> None: ...


class Source:
    """A log source with a thread. Subclasses implement ``_run``."""

    kind: ClassVar[str] = "source"
    zone: tzinfo | None = None  # the zone of its naive stamps (None: this machine's)

    def __init__(self, source_id: str, tag: str, target: str, sink: Sink, clock: Clock,
                 options: TailOptions) -> None:
        self.source_id = source_id
        self.tag = sanitize(tag)  # a label made from a file name or a command: shown as is
        self.target = target
        self.state: SourceState | None = None
        self.detail = ""
        self.polling: str | None = None  # why events are not used, when they are not
        self._sink = sink
        self._clock = clock
        self._options = options
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.source_id} {self.target!r} {self.state}>"

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._guarded_run, daemon=True,
                                        name=f"warroom-{self.kind}-{self.source_id}")
        self._thread.start()

    def stop(self) -> None:
        """Ask the thread to end; ``join`` waits for it."""
        self._stop.set()
        self._wake.set()

    def join(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.alive

    def restart(self) -> None:
        """Start over: a command runs again, a file is opened afresh."""
        self.stop()
        self.join(5)
        self._wake.clear()
        self.start()

    def _guarded_run(self) -> None:
        try:
            self._run()
        except Exception as exc:  # a source reports its failure, it never takes the app down
            self._report(SourceState.FAILED, f"{type(exc).__name__}: {exc}")

    def _run(self) -> None:
        raise NotImplementedError

    def _event(self, state: SourceState, detail: str = "", path: str | None = None,
               exit_code: int | None = None) -> SourceEvent:
        return SourceEvent(self.source_id, state, self._clock.now(), path or self.target,
                           detail, exit_code)

    def _report(self, state: SourceState, detail: str = "", *, path: str | None = None,
                exit_code: int | None = None) -> None:
        """Record this source's own state and tell the sink."""
        if state not in (SourceState.ROTATED, SourceState.TRUNCATED):
            self.state, self.detail = state, detail
        self._sink.submit([], [self._event(state, detail, path, exit_code)])

    def _deliver(self, maker: RecordMaker, result: FollowResult, *, own: bool) -> None:
        events = [self._event(c.state, c.detail, c.path) for c in result.changes]
        if own:
            for c in result.changes:
                if c.state not in (SourceState.ROTATED, SourceState.TRUNCATED):
                    self.state, self.detail = c.state, c.detail
        records = maker.make(result.lines)
        if records or events:
            self._sink.submit(records, events)

    def _new_follower(self, path: str, start: Literal["end", "start"] | int = "end",
                  opener: Opener | None = None) -> FileFollower:
        o = self._options
        return FileFollower(path, backlog=o.backlog, start=start, opener=opener,
                            max_line_bytes=o.max_line_bytes, catchup_bytes=o.catchup_bytes,
                            read_limit=o.read_limit, rotate_wait=o.rotate_wait,
                            max_lag_bytes=o.max_lag_bytes)

    def _maker(self) -> RecordMaker:
        return RecordMaker(self.source_id, self.tag, self._clock,
                           display_max=self._options.display_max, zone=self.zone)

    def _watch_mode(self, hub: WatchHub, directory: str) -> float:
        """How long to sleep: a poll tick, or the safety interval when events come."""
        reason = hub.status(directory)
        if reason not in (STARTING, MISSING) and reason != self.polling:
            self.polling = reason
            if self.state is not None:  # the state's own detail first: why it shows no lines
                detail = "; ".join(filter(None, [self.detail, reason or "watching for changes"]))
                self._sink.submit([], [self._event(self.state, detail)])
        if reason is None:
            return self._options.safety_interval
        return self._options.poll_interval

    def _sleep(self, timeout: float) -> bool:
        """Wait for a change notice or the timeout; True when woken by a notice."""
        woke = self._wake.wait(timeout)
        self._wake.clear()
        return woke and not self._stop.is_set()


class _SilenceDetector:
    """Notices a file system that changes without sending events (NFS written elsewhere).

    Two waits in a row that timed out while events were trusted, each followed
    by a check that found new data, are taken as proof: one alone could be an
    event racing the timeout (and that event would then end the next wait).
    """

    def __init__(self) -> None:
        self.count = 0

    def silent(self, timed_out_on_events: bool, found: bool) -> bool:
        if not timed_out_on_events:
            self.count = 0
        elif found:
            self.count += 1
        return self.count >= 2


class FileSource(Source):
    """Follow one file by name (``tail -F``)."""

    kind = "file"

    def __init__(self, source_id: str, tag: str, path: str, sink: Sink, clock: Clock,
                 options: TailOptions, hub: WatchHub, opener: Opener | None = None) -> None:
        super().__init__(source_id, tag, os.path.abspath(os.path.expanduser(path)), sink, clock,
                         options)
        self._hub = hub
        self._opener = opener
        self._follower: FileFollower | None = None

    @property
    def skipped_bytes(self) -> int:
        """Bytes jumped over to keep up with a writer faster than we can parse."""
        return self._follower.skipped_bytes if self._follower is not None else 0

    def _on_changes(self, changes: Changes | None) -> None:
        follower = self._follower
        if changes is None or follower is None or follower.draining or any(
                path == self.target for _, path in changes):
            self._wake.set()

    def _run(self) -> None:
        follower = self._follower = self._new_follower(self.target, opener=self._opener)
        maker = self._maker()
        directory = os.path.dirname(self.target)
        self._hub.register(directory, self._on_changes)
        try:
            detector = _SilenceDetector()
            timed_out = False  # the last wait ended without a notice while events were trusted
            while not self._stop.is_set():
                result = follower.check()
                self._deliver(maker, result, own=True)
                if detector.silent(timed_out, bool(result.lines)):
                    self._hub.demote(directory, "polling (changes arrive without events)")
                timeout = self._watch_mode(self._hub, directory)
                if follower.needs_polling:
                    timeout = min(timeout, self._options.poll_interval)
                if result.more:
                    timed_out = False
                    continue
                trusted = self._hub.status(directory) is None
                timed_out = not self._sleep(timeout) and trusted
        finally:
            self._hub.unregister(directory, self._on_changes)
            follower.close()


class GlobSource(Source):
    """Follow every file matching a pattern, including files that appear later.

    A file matching when the source starts opens with its backlog; one that
    appears later is read from its start, unless it is a file already being
    read under another name (``app.log`` rotated to ``app.log.1`` with a
    pattern ``app.log*``), which continues where it was.
    """

    kind = "glob"

    def __init__(self, source_id: str, tag: str, pattern: str, sink: Sink, clock: Clock,
                 options: TailOptions, hub: WatchHub) -> None:
        super().__init__(source_id, tag, os.path.abspath(os.path.expanduser(pattern)), sink,
                         clock, options)
        self._hub = hub
        self.base = glob_base(self.target)
        self._files: dict[str, tuple[FileFollower, RecordMaker]] = {}
        self._seen: dict[tuple[int, int], int] = {}  # (device, inode) -> offset read to
        self._pending: set[str] = set()
        self._reglob = True
        self._check_all = True
        self._lock = threading.Lock()

    @property
    def files(self) -> list[str]:
        return sorted(self._files)

    def _on_changes(self, changes: Changes | None) -> None:
        with self._lock:
            if changes is None:
                self._reglob = self._check_all = True
            else:
                for change, path in changes:
                    if path in self._files:
                        self._pending.add(path)
                    elif change != Change.modified:
                        self._reglob = True
                if any(f.draining for f, _ in list(self._files.values())):
                    self._check_all = True
        self._wake.set()

    def _run(self) -> None:
        with self._lock:
            self._files, self._seen = {}, {}
        self._hub.register(self.base, self._on_changes)
        first = True
        last_glob = 0.0
        detector = _SilenceDetector()
        timed_out = False
        notified = True
        behind: set[str] = set()
        try:
            while not self._stop.is_set():
                with self._lock:
                    reglob, self._reglob = self._reglob, False
                    check_all, self._check_all = self._check_all, False
                    pending, self._pending = self._pending, set()
                timeout = self._watch_mode(self._hub, self.base)
                if any(f.needs_polling for f, _ in list(self._files.values())):
                    timeout, check_all = min(timeout, self._options.poll_interval), True
                now = time.monotonic()
                if reglob or first or now - last_glob >= max(self._options.reglob_interval,
                                                             timeout):
                    self._scan(initial=first)
                    first, last_glob, check_all = False, now, True
                # A notice names the files that changed; a timeout or a poll checks all.
                only = None if check_all or not notified else pending | behind
                found, behind = self._check(only)
                if detector.silent(timed_out, found):
                    self._hub.demote(self.base, "polling (changes arrive without events)")
                if behind:
                    timed_out, notified = False, True
                    continue
                trusted = self._hub.status(self.base) is None
                notified = self._sleep(timeout)
                timed_out = not notified and trusted
        finally:
            self._hub.unregister(self.base, self._on_changes)
            with self._lock:
                files, self._files = self._files, {}
            for follower, _ in files.values():
                follower.close()

    def _check(self, only: set[str] | None) -> tuple[bool, set[str]]:
        """Check the files (all, or ``only`` those); returns (found lines, files left behind)."""
        found = False
        behind: set[str] = set()
        for path, (follower, maker) in list(self._files.items()):
            if only is not None and path not in only and not follower.draining:
                continue
            result = follower.check()
            self._deliver(maker, result, own=False)
            found = found or bool(result.lines)
            if result.more:
                behind.add(path)
            gone = follower.state in (SourceState.DELETED, SourceState.WAITING)
            if gone and not follower.draining and not os.path.lexists(path):
                with self._lock:  # rotated away for good; a re-glob brings it back
                    del self._files[path]
                follower.close()
                self._report_count()
        return found, behind

    def _scan(self, *, initial: bool) -> None:
        matches = [p for p in glob.glob(self.target, recursive=True) if not os.path.isdir(p)]
        owned = {(dev, ino): pos for follower, _ in self._files.values()
                 for dev, ino, pos in follower.inodes()}
        for path in sorted(matches):
            if path in self._files:
                continue
            start: Literal["end", "start"] | int = "end" if initial else "start"
            try:
                st = os.stat(path)
                if (st.st_dev, st.st_ino) in owned:
                    continue  # still being read under its old name; take it over later
                start = self._seen.get((st.st_dev, st.st_ino), start)
                if start == "start" and compressed(path):
                    # logrotate's compressed copy of a file already shown: not shown twice
                    start = st.st_size
            except OSError:
                pass
            with self._lock:
                self._files[path] = (self._new_follower(path, start), self._maker())
        for follower, _ in self._files.values():
            for dev, ino, pos in follower.inodes():
                self._seen[(dev, ino)] = pos
        while len(self._seen) > 10_000:
            del self._seen[next(iter(self._seen))]
        self._report_count()

    def _report_count(self) -> None:
        count = len(self._files)
        if count:
            state, detail = SourceState.FOLLOWING, f"{count} file{'s' if count > 1 else ''}"
        else:
            state, detail = SourceState.WAITING, "no file matches yet"
        if (state, detail) != (self.state, self.detail):
            self._report(state, detail)


def glob_base(pattern: str) -> str:
    """The deepest directory of ``pattern`` without wildcards: what to watch."""
    parts = pattern.split(os.sep)
    fixed: list[str] = []
    for part in parts[:-1]:
        if glob.has_magic(part):
            break
        fixed.append(part)
    return os.sep.join(fixed) or os.sep


def has_wildcard_dirs(pattern: str) -> bool:
    """Whether matches may lie below the base directory (then watch recursively)."""
    return os.path.dirname(pattern) != glob_base(pattern)

