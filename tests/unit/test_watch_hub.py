"""The watch hub: events on directories, and polling when events cannot be had."""

from __future__ import annotations

import threading
from pathlib import Path

from tests.unit.tail_helpers import Collected, wait_until
from warroom.timeline.engine import TailEngine
from warroom.timeline.sources import TailOptions
from warroom.timeline.watch import WatchHub, filesystem_type


def test_changes_in_a_directory_reach_its_listener(tmp_path: Path) -> None:
    seen: list = []
    hub = WatchHub()
    try:
        hub.register(str(tmp_path), seen.append)
        wait_until(lambda: hub.status(str(tmp_path)) is None)
        (tmp_path / "a.log").write_text("x\n")
        wait_until(lambda: any(c and any(p == str(tmp_path / "a.log") for _, p in c)
                               for c in seen))
    finally:
        hub.close()
    assert not hub.alive


def test_missing_directory_is_polled_until_it_appears(tmp_path: Path) -> None:
    hub = WatchHub()
    later = tmp_path / "later"
    try:
        hub.register(str(later), lambda changes: None)
        wait_until(lambda: hub.status(str(later)) == "directory does not exist yet")
        later.mkdir()
        wait_until(lambda: hub.status(str(later)) is None, timeout=5)
    finally:
        hub.close()


def limit_reached(paths: list[str], recursive: bool):
    raise OSError(28, "OS file watch limit reached")


def test_watch_limit_falls_back_to_polling(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("")
    options = TailOptions(poll_interval=0.02)
    with TailEngine(options=options, watch_factory=limit_reached) as eng:
        source = eng.add_file(log)
        got = Collected(eng)
        wait_until(lambda: (source.polling or "").startswith("polling (cannot watch"))
        log.write_text("still followed\n")
        got.until_text("still followed")
        assert any("watch limit" in e.detail for e in got.events)


class Silent:
    """A notifier on a file system that never sends events (NFS written elsewhere)."""

    def __init__(self, paths: list[str], recursive: bool) -> None:
        self.closed = threading.Event()

    def watch(self, debounce_ms: int, step_ms: int, timeout_ms: int, stop_event) -> object:
        for _ in range(timeout_ms // 10):
            if stop_event.is_set() or self.closed.is_set():
                return "stop"
            self.closed.wait(0.01)
        return "timeout"

    def close(self) -> None:
        self.closed.set()


def test_changes_without_events_switch_the_source_to_polling(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("")
    options = TailOptions(poll_interval=0.02, safety_interval=0.1)
    with TailEngine(options=options, watch_factory=Silent) as eng:
        source = eng.add_file(log)
        got = Collected(eng)
        wait_until(lambda: source.polling is None and source.state is not None)
        for n in range(3):
            with log.open("a") as f:
                f.write(f"line {n}\n")
            got.until_text(f"line {n}")
        wait_until(lambda: source.polling == "polling (changes arrive without events)")


def test_filesystem_type_of_known_mounts() -> None:
    assert filesystem_type("/proc/self") == "proc"
    assert filesystem_type("/") is not None
