"""The demo: a simulated outage a first-time user can drive, on the default database.

A background writer appends realistic lines from three services, each in its
own log format, following the stages in data/demo/outage.toml: normal traffic,
a deploy, degradation, an error burst, a database failover (with a log
rotation), and recovery.
"""

from __future__ import annotations

import random
import tempfile
import threading
import tomllib
from datetime import datetime, timedelta
from pathlib import Path

from warroom.clock import Clock, SystemClock
from warroom.core.models import EventKind, Severity
from warroom.resources import data_dir
from warroom.store.store import Store

DEMO_TITLE = "Demo: checkout 5xx after deploy"
LEVEL_WORDS = {
    "log4j": {"WARNING": "WARN", "CRITICAL": "FATAL", "NOTICE": "INFO"},
    "iso": {"WARNING": "WARN", "CRITICAL": "CRIT"},
}


def create_demo_incident(store: Store, *, actor: str) -> int:
    """Declare the demo incident with a half-written INC-1, as a responder would start it."""
    now = store.clock.now()
    incident = store.create_incident(
        DEMO_TITLE,
        severity=Severity.CRITICAL,
        detected_at=now - timedelta(minutes=4),
        actor=actor,
    )
    draft = (data_dir("data") / "demo" / "INC-1.md").read_text(encoding="utf-8")
    store.save_artifact(incident.id, 1, draft, actor=actor)
    store.add_event(
        incident.id,
        EventKind.NOTE,
        "5xx rate alert fired for checkout-api",
        actor="alertmanager",
        occurred_at=now - timedelta(minutes=4),
    )
    return incident.id


def format_line(fmt: str, at: datetime, level: str, text: str) -> str:
    """One line in a service's own log format."""
    level = LEVEL_WORDS.get(fmt, {}).get(level, level)
    if fmt == "log4j":
        return f"{at:%Y-%m-%d %H:%M:%S},{at.microsecond // 1000:03d} {level} {text}"
    if fmt == "syslog":
        return f"{at:%b %d %H:%M:%S} {text}"
    return f"{at:%Y-%m-%dT%H:%M:%S}.{at.microsecond // 1000:03d}Z {level} {text}"


class DemoWriter:
    """Appends the outage's log lines in a background thread until stopped."""

    def __init__(
        self,
        directory: Path | None = None,
        *,
        speed: float = 1.0,
        seed: int = 7,
        clock: Clock | None = None,
    ) -> None:
        self.clock = clock or SystemClock()
        self.directory = directory or Path(tempfile.mkdtemp(prefix="warroom-demo-"))
        spec = tomllib.loads((data_dir("data") / "demo" / "outage.toml").read_text("utf-8"))
        self.formats: dict[str, str] = spec["formats"]
        self.stages: list[dict] = spec["stages"]
        self.speed = speed
        self._random = random.Random(seed)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="warroom-demo", daemon=True)
        self.paths = {name: self.directory / f"{name}.log" for name in self.formats}

    def start(self) -> DemoWriter:
        for path in self.paths.values():
            path.touch()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _write(self, service: str, level: str, template: str) -> None:
        text = template.format(
            n=self._random.randint(10000, 99999),
            ms=self._random.randint(3, 95),
            k=self._random.randint(1, 9),
        )
        line = format_line(self.formats[service], self.clock.now(), level, text)
        with self.paths[service].open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    def _rotate(self, service: str) -> None:
        """logrotate's default: rename the file away and start a new one."""
        path = self.paths[service]
        path.replace(path.with_name(path.name + ".1"))
        path.touch()

    def _run(self) -> None:
        for stage in self.stages:
            if stage["name"] == "failover":
                self._rotate("checkout")
            seconds = stage["seconds"] / self.speed
            interval = 1 / (stage["rate"] * self.speed)
            deadline = None if stage["seconds"] == 0 else seconds
            waited = 0.0
            while not self._stop.is_set() and (deadline is None or waited < deadline):
                service, level, template = self._random.choice(stage["lines"])
                self._write(service, level, template)
                self._stop.wait(interval)
                waited += interval
            if self._stop.is_set():
                return
