"""The tail engine: owns an incident's log sources and hands out their lines in batches.

Sources read in their own threads and put records into one bounded
``LineBuffer``; a consumer takes what is new either by calling ``drain()``
(a UI timer at frame rate) or through an ``on_batch`` callback called from
the engine's delivery thread at most once per ``batch_interval``. Either way
the consumer gets batches, never one call per line, and memory stays bounded
however fast the logs run: when the consumer falls behind, the oldest lines
are dropped and counted.
"""

from __future__ import annotations

import glob
import logging
import os
import shlex
import threading
from collections.abc import Callable
from types import TracebackType
from typing import TypeVar

from warroom.clock import Clock, SystemClock
from warroom.timeline.buffer import DEFAULT_MAXLEN, LineBuffer
from warroom.timeline.command import CommandSource
from warroom.timeline.follow import Opener
from warroom.timeline.records import Batch, LogRecord, SourceEvent, SourceState
from warroom.timeline.sources import (
    FileSource,
    GlobSource,
    Source,
    TailOptions,
    glob_base,
    has_wildcard_dirs,
)
from warroom.timeline.watch import NotifierFactory, WatchHub
from warroom.timeline.zones import get_zone, split_zone

__all__ = ["TailEngine"]

log = logging.getLogger(__name__)

MAX_PENDING_EVENTS = 10_000

_S = TypeVar("_S", bound=Source)


class TailEngine:
    """Several log sources, read in background threads, drained in batches.

    Args:
        options: tuning for every source (backlog, poll interval, ...).
        buffer_size: lines held; older ones are dropped and counted.
        on_batch: if given, called with each Batch from the engine's delivery
            thread (use ``app.call_from_thread`` or post a message from it);
            otherwise the consumer calls ``drain()``. Use one or the other.
        batch_interval: the shortest time between two ``on_batch`` calls;
            a lone line is delivered at once, a burst is coalesced.
        watch_factory: the notifier behind the watch hubs (tests inject failures).
    """

    def __init__(self, *, options: TailOptions | None = None, clock: Clock | None = None,
                 buffer_size: int = DEFAULT_MAXLEN,
                 on_batch: Callable[[Batch], None] | None = None,
                 batch_interval: float = 1 / 60,
                 watch_factory: NotifierFactory | None = None) -> None:
        self.options = options or TailOptions()
        self.clock: Clock = clock or SystemClock()
        self.buffer = LineBuffer(buffer_size)
        self._hubs = {
            recursive: WatchHub(recursive=recursive, force_polling=self.options.force_polling,
                                factory=watch_factory)
            for recursive in (False, True)
        }
        self._sources: dict[str, Source] = {}
        self._counter = 0
        self._cond = threading.Condition()
        self._events: list[SourceEvent] = []
        self._pending = False
        self._cursor = 0
        self._closed = False
        self._on_batch = on_batch
        self._batch_interval = batch_interval
        self._delivery: threading.Thread | None = None
        if on_batch is not None:
            self._delivery = threading.Thread(target=self._deliver_loop, daemon=True,
                                              name="warroom-tail-delivery")
            self._delivery.start()

    # --- sources ---------------------------------------------------------------------

    @property
    def sources(self) -> dict[str, Source]:
        """The sources by id (a copy)."""
        return dict(self._sources)

    def add_file(self, path: str | os.PathLike[str], *, tag: str | None = None,
                 source_id: str | None = None, opener: Opener | None = None,
                 zone: str | None = None) -> FileSource:
        """Follow one file by name; it may not exist yet. ``zone``: see ``add_path``."""
        path = os.fspath(path)
        sid = self._new_id(source_id)
        source = FileSource(sid, tag or _file_tag(path), path, self, self.clock, self.options,
                            self._hubs[False], opener=opener)
        return self._start(source, zone)

    def add_glob(self, pattern: str, *, tag: str | None = None,
                 source_id: str | None = None, zone: str | None = None) -> GlobSource:
        """Follow every file matching ``pattern``, now and later (``**`` allowed)."""
        sid = self._new_id(source_id)
        full = os.path.abspath(os.path.expanduser(pattern))
        tag = tag or os.path.basename(glob_base(full)) or "glob"
        source = GlobSource(sid, tag, pattern, self, self.clock,
                            self.options, self._hubs[has_wildcard_dirs(full)])
        return self._start(source, zone)

    def add_path(self, path_or_glob: str, *, tag: str | None = None,
                 source_id: str | None = None) -> Source:
        """A file, or a glob when the string has wildcards (what ``--log`` takes).

        A file that exists under that very name (``app[1].log``, ``what?.log``) is
        that file: the name is tried literally before it is read as a pattern.
        ``FILE@Europe/Berlin`` gives the zone of the file's naive stamps (default this
        machine's); the tag shows it. Raises ZoneError for an unknown zone name.
        """
        if os.path.lexists(os.path.expanduser(path_or_glob)):
            name = None
        else:
            path_or_glob, name = split_zone(path_or_glob)
        literal = os.path.lexists(os.path.expanduser(path_or_glob))
        if glob.has_magic(path_or_glob) and not literal:
            return self.add_glob(path_or_glob, tag=tag, source_id=source_id, zone=name)
        return self.add_file(path_or_glob, tag=tag, source_id=source_id, zone=name)

    def add_command(self, command: str, *, tag: str | None = None,
                    source_id: str | None = None, cwd: str | None = None,
                    env: dict[str, str] | None = None) -> CommandSource:
        """Run a shell command and read its stdout and stderr as a log."""
        sid = self._new_id(source_id)
        source = CommandSource(sid, tag or _command_tag(command), command, self, self.clock,
                               self.options, cwd=cwd, env=env)
        return self._start(source)

    def restart(self, source_id: str) -> None:
        """Run a command again (or reopen a file from its backlog)."""
        self._sources[source_id].restart()

    def remove(self, source_id: str, timeout: float = 5.0) -> None:
        """Stop a source and forget it; its lines stay in the buffer."""
        source = self._sources.pop(source_id)
        source.stop()
        source.join(timeout)
        self.submit([], [SourceEvent(source_id, SourceState.STOPPED, self.clock.now(),
                                     source.target)])

    def _new_id(self, source_id: str | None) -> str:
        if self._closed:
            raise RuntimeError("the tail engine is closed")
        if source_id is None:
            self._counter += 1
            source_id = f"s{self._counter}"
            while source_id in self._sources:
                self._counter += 1
                source_id = f"s{self._counter}"
        elif source_id in self._sources:
            raise ValueError(f"a source {source_id!r} exists already")
        return source_id

    def _start(self, source: _S, name: str | None = None) -> _S:
        if name is not None:
            source.zone = get_zone(name)
            source.tag = f"{source.tag}@{name}"
        self._sources[source.source_id] = source
        source.start()
        return source

    # --- the sink the sources write to ----------------------------------------------

    def submit(self, records: list[LogRecord], events: list[SourceEvent]) -> None:
        """Take records and events from a source thread."""
        if records:
            self.buffer.extend(records)
        with self._cond:
            if events:
                self._events.extend(events)
                if len(self._events) > MAX_PENDING_EVENTS:
                    del self._events[: len(self._events) - MAX_PENDING_EVENTS]
            self._pending = True
            self._cond.notify_all()

    # --- the consumer's side ----------------------------------------------------------

    def drain(self) -> Batch:
        """Everything new since the last drain: records, state events, counts."""
        with self._cond:
            events, self._events = self._events, []
            self._pending = False
        records = self.buffer.since(self._cursor)
        missed = 0
        if records:
            missed = records[-1].seq - self._cursor - len(records)
            self._cursor = records[-1].seq
        return Batch(records, events, held=self.buffer.held, dropped=self.buffer.dropped,
                     missed=missed, first_seq=self.buffer.first_seq)

    @property
    def undrained(self) -> int:
        """Records appended since the last drain (evicted ones included): the current rate."""
        return self.buffer.total - self._cursor

    def wait(self, timeout: float | None = None) -> bool:
        """Block until something is ready to drain (or the timeout); True if it is."""
        with self._cond:
            return self._cond.wait_for(lambda: self._pending or self._closed, timeout) and (
                self._pending)

    def _deliver_loop(self) -> None:
        assert self._on_batch is not None
        stopping = threading.Event()
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending or self._closed, 1.0)
                if self._closed:
                    return
            batch = self.drain()
            if batch:
                try:
                    self._on_batch(batch)
                except Exception:  # a consumer's bug must not stop the logs
                    log.exception("on_batch callback failed")
            stopping.wait(self._batch_interval)  # coalesce bursts into frame-rate batches

    # --- lifetime --------------------------------------------------------------------

    def close(self, timeout: float = 5.0) -> None:
        """Stop every source (threads end, commands terminated) and the watchers."""
        if self._closed:
            return
        sources = list(self._sources.values())
        for source in sources:
            source.stop()
        for source in sources:
            source.join(timeout)
        for hub in self._hubs.values():
            hub.close()
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._delivery is not None:
            self._delivery.join(timeout)

    @property
    def threads_alive(self) -> list[str]:
        """Names of the engine's threads still running (empty after close)."""
        names = [f"source {s.source_id}" for s in self._sources.values() if s.alive]
        names += ["watcher" for hub in self._hubs.values() if hub.alive]
        if self._delivery is not None and self._delivery.is_alive():
            names.append("delivery")
        return names

    def __enter__(self) -> TailEngine:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _file_tag(path: str) -> str:
    name = os.path.basename(path.rstrip("/")) or path
    stem = name.split(".")[0] if not name.startswith(".") else name
    return stem or name


def _command_tag(command: str) -> str:
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    return os.path.basename(words[0]) if words else "cmd"
