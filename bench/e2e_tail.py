"""End-to-end speed of `warroom tail` as a user sees it, beside `tail -F` and Toolong.

Usage: python bench/e2e_tail.py [--tools warroom,tail,toolong]
                                [--phases open,quiet,load10k,load50k,rss]

Everything is measured from outside the viewer: each tool runs full screen in
a 120x40 tmux pane (a private server, ``tmux -L bench``), lines are appended
to the file it follows, and the screen is read with ``capture-pane -p`` until
they show. The screen is read through one tmux control-mode client (a round
trip of a few hundred microseconds) rather than a `tmux capture-pane` process
per look (~5 ms each): the poll loop's own cost is printed, and `tail -F`,
which draws a line the moment it reads it, shows the floor it sets.

- open: seconds from starting the viewer until the last line of a 1 GB file
  (/tmp/warroom-bench-1g.log, shared with tail_bench.py, generated once) is
  on screen, and the viewer's peak RSS (VmHWM) then; the same for a 10 MB
  file, to show whether memory follows the file's size. The file is read
  once first, so every tool finds it in the page cache.
- quiet: isolated marker lines (one, then 100-200 ms idle) appended to a
  followed file; time from the write to the marker on screen.
- load10k / load50k: a separate writer process appends 10,000 (50,000) lines
  a second to the same file for 20 s (60 s) while markers are appended every
  50-150 ms. Every line carries the time it was written (``t=<epoch>``), so
  when a marker has scrolled away before a look, the screen showing a line
  written after it proves the marker went by: a marker counts as shown at the
  first look that shows it or any line written after it. At 50k the markers
  of the first and last 10 s are compared (does the lag grow?), and every
  2.5 s a key that visibly changes the screen is sent (warroom: `l`, the
  status line's level filter; Toolong: ctrl+l, line numbers; none for tail)
  and timed until the screen shows its effect.
- rss: the writer appends 1,000,000 lines (at --rss-rate lines a second); once
  the last one is on screen (or after a cap), the viewer's VmRSS.

Each phase is capped (a tool that cannot keep up is reported as ">N" or "not
shown" rather than waited for). Toolong is run from a throwaway venv
(--toolong, default /tmp/toolong-venv/bin/tl; created with `pip install
toolong` when missing), never from the project's. Figures are printed, not
judged: this is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import secrets
import shlex
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tail_bench import BIG, ensure_big_file  # noqa: E402  (the same 1 GB file for both)

WIDTH, HEIGHT = 120, 40
WORK = Path("/tmp/warroom-e2e")
TOOLONG_VENV = Path("/tmp/toolong-venv")
VENV_BIN = Path(sys.executable).parent
FILE_LINE = re.compile(r"2024-03-09T\d\d:\d\d:\d\d\.\d{3}Z")  # a line of the 1 GB file
STAMP = re.compile(r"t=(\d{9,11}\.\d{6})")
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- small helpers ----------------------------------------------------------------------


def load_average() -> str:
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def iso(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t % 1 * 1e6):06d}Z"


def proc_field(pid: int, name: str) -> int:
    """A kB figure from /proc/PID/status (VmRSS, VmHWM), 0 when gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for row in status:
                if row.startswith(name + ":"):
                    return int(row.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (its threads included)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return 0.0


def descendants(pid: int) -> list[int]:
    """pid and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def tq(word: str) -> str:
    """Quote one word for tmux's command parser (sh-like quoting)."""
    if re.fullmatch(r"[A-Za-z0-9_./:=,@%+-]+", word):
        return word
    return "'" + word.replace("'", "'\\''") + "'"


def fmt_ms(value: float | None, censored: bool = False) -> str:
    if value is None:
        return "-"
    text = f"{value:.0f}" if value >= 10 else f"{value:.1f}"
    return (">" if censored else "") + text


# --- tmux, through one control-mode client ------------------------------------------------


class Tmux:
    """A private tmux server (``-L socket``) driven through a control-mode client.

    The client sits in a session of its own ("ctl"); the viewers run in other
    sessions, sized WIDTH x HEIGHT, that no client is attached to, so nothing
    resizes them. One command costs one round trip on the server's socket.
    """

    def __init__(self, socket: str) -> None:
        self.socket = socket
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)
        self.proc = subprocess.Popen(
            ["tmux", "-L", socket, "-C", "new-session", "-s", "ctl", "-x", "80", "-y", "24",
             "exec sleep 86400"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0, start_new_session=True)
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self._in, self._fd = self.proc.stdin, self.proc.stdout.fileno()
        self._buf = b""
        token = secrets.token_hex(4)
        self._in.write(f"display -p ready-{token}\n".encode())
        while f"ready-{token}" not in self._block()[1]:
            pass
        self.server_pid = int(self.cmd("display", "-p", "#{pid}").strip())

    def _block(self) -> tuple[bool, str]:
        """The next %begin..%end (or %error) block: (ok, body). Notifications are skipped."""
        while True:
            start = self._buf.find(b"%begin ")
            if start >= 0 and (start == 0 or self._buf[start - 1:start] == b"\n"):
                head_end = self._buf.find(b"\n", start)
                if head_end >= 0:
                    number = self._buf[start:head_end].split()[2]
                    for kind in (b"%end ", b"%error "):
                        tail = self._buf.find(b"\n" + kind, head_end)
                        while tail >= 0:
                            line_end = self._buf.find(b"\n", tail + 1)
                            if line_end < 0:
                                break
                            words = self._buf[tail + 1:line_end].split()
                            if len(words) > 2 and words[2] == number:
                                body = self._buf[head_end + 1:tail + 1]
                                self._buf = self._buf[line_end + 1:]
                                return kind == b"%end ", body.decode("utf-8", "replace")
                            tail = self._buf.find(b"\n" + kind, tail + 1)
            chunk = os.read(self._fd, 1 << 20)
            if not chunk:
                raise RuntimeError("the tmux control client went away")
            self._buf += chunk

    def cmd(self, *words: str) -> str:
        self._in.write((" ".join(tq(w) for w in words) + "\n").encode())
        ok, body = self._block()
        if not ok:
            raise RuntimeError(f"tmux {' '.join(words)}: {body.strip()}")
        return body

    def capture(self, target: str) -> str:
        self._in.write(f"capture-pane -p -t {target}\n".encode())
        return self._block()[1]

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._in.write(b"kill-server\n")
        with contextlib.suppress(Exception):
            self.proc.wait(2)
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


# --- the viewers ----------------------------------------------------------------------------


@dataclass
class Tool:
    name: str
    argv: Callable[[Path], list[str]]
    key: str | None = None  # a key that visibly changes the screen
    key_states: list[Callable[[str], bool]] = field(default_factory=list)  # after 1, 2, ... presses


def _warroom_level(level: str | None) -> Callable[[str], bool]:
    def shown(screen: str) -> bool:
        status = screen.split("\n", 1)[0]
        return f"≥{level}" in status if level else "≥" not in status

    return shown


def _toolong_numbers(on: bool) -> Callable[[str], bool]:
    numbered = re.compile(r"^┃\s*\d+ \d{4}-", re.M)
    plain = re.compile(r"^┃\d{4}-", re.M)

    def shown(screen: str) -> bool:
        return bool((numbered if on else plain).search(screen))

    return shown


def make_tools(opts: argparse.Namespace) -> dict[str, Tool]:
    warroom = opts.warroom
    return {
        "warroom": Tool("warroom", lambda p: [warroom, "tail", str(p)], "l",
                        [_warroom_level(lv) for lv in ("debug", "info", "warning", "error", None)]),
        "tail": Tool("tail -F", lambda p: ["tail", "-n", "50", "-F", str(p)]),
        "toolong": Tool("toolong", lambda p: [opts.toolong, str(p)], "C-l",
                        [_toolong_numbers(True), _toolong_numbers(False)]),
    }


class Viewer:
    """One tool running full screen in its own tmux session."""

    def __init__(self, tmux: Tmux, tool: Tool, path: Path) -> None:
        self.tmux, self.tool = tmux, tool
        self.session = f"v{secrets.token_hex(3)}"
        command = "exec " + shlex.join(tool.argv(path))
        self.started = time.perf_counter()
        tmux.cmd("new-session", "-d", "-s", self.session, "-x", str(WIDTH), "-y", str(HEIGHT),
                 command)
        self.pane_pid = int(tmux.cmd("display", "-p", "-t", self.session, "#{pane_pid}"))
        self.target = self.session
        self._tree: list[int] = []
        self._tree_at = -1e9

    def screen(self) -> str:
        return self.tmux.capture(self.target)

    def tree(self) -> list[int]:
        """The pane's processes (looked up again at most once a second)."""
        now = time.perf_counter()
        if now - self._tree_at > 1:
            self._tree, self._tree_at = descendants(self.pane_pid), now
        return self._tree

    def main_pid(self) -> int:
        """The process of the tool (the biggest in the pane's tree: python, not a shell)."""
        return max(self.tree(), key=lambda p: proc_field(p, "VmRSS"), default=self.pane_pid)

    def rss_mb(self, name: str = "VmRSS") -> float:
        return proc_field(self.main_pid(), name) / 1024

    def cpu(self) -> float:
        return sum(cpu_seconds(p) for p in self.tree())

    def send_key(self, key: str) -> None:
        self.tmux.cmd("send-keys", "-t", self.target, key)

    def close(self) -> None:
        pids = descendants(self.pane_pid)
        with contextlib.suppress(RuntimeError):
            self.tmux.cmd("kill-session", "-t", self.session)
        deadline = time.perf_counter() + 2
        for pid in pids:
            while Path(f"/proc/{pid}").exists() and time.perf_counter() < deadline:
                time.sleep(0.01)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def viewer(tmux: Tmux, tool: Tool, path: Path) -> Iterator[Viewer]:
    v = Viewer(tmux, tool, path)
    try:
        yield v
    finally:
        v.close()


def wait_for(v: Viewer, seen: Callable[[str], bool], timeout: float,
             interval: float) -> tuple[float | None, str]:
    """Poll the screen until seen(screen); seconds since the call, or None at the timeout."""
    start = time.perf_counter()
    screen = ""
    while time.perf_counter() - start < timeout:
        screen = v.screen()
        if seen(screen):
            return time.perf_counter() - start, screen
        time.sleep(interval)
    return None, screen


# --- writing lines ------------------------------------------------------------------------

WRITER = r"""
import json, os, signal, sys, time
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stopped: still say how much was written
path, rate, seconds, total = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
LV = ["INFO "] * 8 + ["DEBUG", "WARN ", "ERROR"]
fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
start = time.perf_counter()
n = 0
try:
    while True:
        now = time.perf_counter() - start
        if now >= seconds or (total and n >= total):
            break
        due = int(now * rate)
        if total:
            due = min(due, total)
        if due > n:  # one write a millisecond, each line stamped with its write time
            t = time.time()
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t % 1 * 1e6):06d}Z"
            os.write(fd, "".join(
                f"{stamp} {LV[i % 11]} [load] t={t:.6f} seq={i} GET /api/v1/orders/{i} "
                f"took {i * 7 % 900}ms upstream=10.0.{i % 7}.7:8080\n" for i in range(n, due)
            ).encode())
            n = due
        time.sleep(0.001)
finally:
    print(json.dumps({"lines": n, "seconds": time.perf_counter() - start}), file=sys.stderr)
"""


class Writer:
    """A process appending `rate` lines a second (in its own process group)."""

    def __init__(self, path: Path, rate: int, seconds: float, total: int = 0) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(rate), str(seconds), str(total)],
            stderr=subprocess.PIPE, text=True, start_new_session=True)
        self.result: dict = {}

    def running(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> dict:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            _, err = self.proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            _, err = self.proc.communicate()
        with contextlib.suppress(ValueError, IndexError):
            self.result = json.loads(err.strip().splitlines()[-1])
        return self.result


def append(path: Path, text: str) -> tuple[float, float]:
    """Append one line in one write; (perf_counter, time.time) just after the write."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)
    return time.perf_counter(), time.time()


def marker_line(token: str, level: str = "ERROR") -> str:
    t = time.time()
    return f"{iso(t)} {level} [bench] {token} t={t:.6f} marker line of the end-to-end bench\n"


def fresh_file(name: str, lines: int = 100) -> tuple[Path, str]:
    """A new file with `lines` lines, the last one carrying a unique ready token."""
    WORK.mkdir(exist_ok=True)
    path = WORK / name
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    t = time.time() - 60
    with path.open("w") as out:
        for i in range(lines - 1):
            out.write(f"{iso(t + i / 100)} INFO  [bench] startup line {i} of the followed file\n")
        token = f"READY-{secrets.token_hex(4)}"
        out.write(marker_line(token, "INFO "))
    return path, token


def start_following(tmux: Tmux, tool: Tool, name: str, opts: argparse.Namespace,
                    stack: contextlib.ExitStack) -> tuple[Viewer, Path] | None:
    path, token = fresh_file(name)
    v = stack.enter_context(viewer(tmux, tool, path))
    # Any line of the file will do: a viewer may open at the top of its backlog (warroom
    # does, see the README); the first append brings it to the end.
    took, screen = wait_for(v, lambda s: token in s or "startup line" in s, 60, 0.01)
    if took is None:
        print(f"  {tool.name}: the file's lines never showed; screen:\n{screen}")
        return None
    time.sleep(opts.settle)
    return v, path


# --- the phases -----------------------------------------------------------------------------


def phase_open(tmux: Tmux, tool: Tool, opts: argparse.Namespace, res: dict) -> None:
    last = BIG.read_bytes()[-300:].decode().rstrip("\n").rsplit("\n", 1)[-1]
    found = re.search(r"id=\d+", last)
    mark = found.group(0) + " " if found else last[:50]
    small = WORK / "open-10m.log"
    if not small.exists():
        with BIG.open("rb") as src, small.open("wb") as dst:
            dst.write(src.read(10_000_000))
            src.seek(-20_000, os.SEEK_END)
            dst.write(src.read())
    for path, key, cap in ((small, "open10m", 60.0), (BIG, "open", opts.open_cap)):
        with viewer(tmux, tool, path) as v:
            peak, took, first, screen, changed, cpu_then = 0.0, None, None, "", 0.0, 0.0
            start = v.started
            while time.perf_counter() - start < cap:
                before, screen = screen, v.screen()
                now = time.perf_counter()
                if screen != before:
                    changed, cpu_then = now, v.cpu()
                peak = max(peak, v.rss_mb("VmHWM"))
                if first is None and FILE_LINE.search(screen):
                    first = now - start
                if mark in screen:
                    took = now - start
                    break
                if first is not None and now - changed > opts.open_stuck:
                    if v.cpu() - cpu_then < 0.1 * opts.open_stuck:
                        break  # its lines are up, screen and process are still: it is done
                    changed, cpu_then = now, v.cpu()  # still working (scanning the file?)
                time.sleep(opts.poll)
            peak = max(peak, v.rss_mb("VmHWM"))
            size = path.stat().st_size / 1e6
            res[key] = (took, peak, first)
            if took is not None:
                print(f"  {tool.name:8} {size:7.0f} MB: last line on screen in {took:6.3f} s; "
                      f"peak RSS {peak:6.1f} MB")
            elif first is not None:
                top = next((ln for ln in screen.splitlines() if FILE_LINE.search(ln)), "")
                print(f"  {tool.name:8} {size:7.0f} MB: the file's lines on screen in {first:6.3f}"
                      f" s but NOT its last line (screen and viewer stood still for "
                      f"{opts.open_stuck:.0f} s with {top.strip()[:40]!r}... on top); "
                      f"peak RSS {peak:6.1f} MB")
            else:
                print(f"  {tool.name:8} {size:7.0f} MB: nothing of the file on screen after "
                      f"{cap:.0f} s; peak RSS {peak:.0f} MB so far")


def phase_quiet(tmux: Tmux, tool: Tool, opts: argparse.Namespace, res: dict) -> None:
    with contextlib.ExitStack() as stack:
        started = start_following(tmux, tool, "quiet.log", opts, stack)
        if started is None:
            return
        v, path = started
        lat: list[float] = []
        missed = 0
        looks, polling = 0, 0.0
        for i in range(opts.samples):
            time.sleep(random.uniform(0.1, 0.2))
            token = f"MARK-q{i}-{secrets.token_hex(3)}"
            sent, _ = append(path, marker_line(token))
            while True:
                screen = v.screen()
                looks += 1
                now = time.perf_counter()
                if token in screen or now - sent > 5:
                    polling += now - sent
                    if token in screen:
                        lat.append((now - sent) * 1000)
                    else:
                        missed += 1
                    break
                time.sleep(opts.poll)
    res["quiet"] = (statistics.median(lat) if lat else None, pct(lat, 0.95) if lat else None)
    print(f"  {tool.name:8} median {fmt_ms(res['quiet'][0])} ms, p95 {fmt_ms(res['quiet'][1])} "
          f"ms, min {fmt_ms(min(lat, default=None))}, max {fmt_ms(max(lat, default=None))} ms "
          f"({len(lat)} markers, {missed} not shown in 5 s); {looks / polling:.0f} looks/s while "
          f"waiting")


@dataclass
class Mark:
    token: str
    at: float  # perf_counter after the write
    stamp: float  # time.time() after the write: lines stamped later were written after it
    seen: float | None = None


def run_load(tmux: Tmux, tool: Tool, opts: argparse.Namespace, rate: int, seconds: float,
             keys: bool) -> dict | None:
    """Markers (and keys) while a writer appends `rate` lines a second."""
    with contextlib.ExitStack() as stack:
        started = start_following(tmux, tool, f"load{rate // 1000}k.log", opts, stack)
        if started is None:
            return None
        v, path = started
        writer = Writer(path, rate, seconds + 2)
        stack.callback(writer.stop)
        time.sleep(1)  # the writer is up and the viewer in its stride
        marks: list[Mark] = []
        key_lat: list[float] = []
        key_fail = ""
        press, sent_key, next_key = 0, None, time.perf_counter() + 1.0
        age: list[tuple[float, float]] = []  # (when, age of the newest line on screen)
        looks, start = 0, time.perf_counter()
        cpu0 = v.cpu()
        next_mark = start
        end = start + seconds
        while True:
            now = time.perf_counter()
            if now >= end and (all(m.seen for m in marks) or now >= end + opts.drain):
                break
            if now < end and now >= next_mark:
                token = f"MARK-{len(marks)}-{secrets.token_hex(3)}"
                at, stamp = append(path, marker_line(token))
                marks.append(Mark(token, at, stamp))
                next_mark = at + random.uniform(0.05, 0.15)
            if keys and tool.key and not key_fail and sent_key is None and now >= next_key:
                sent_key = time.perf_counter()
                v.send_key(tool.key)
            screen = v.screen()
            looks += 1
            seen_at, wall = time.perf_counter(), time.time()
            stamps = [float(s) for s in STAMP.findall(screen)]
            newest = max(stamps, default=0.0)
            if newest:
                age.append((seen_at - start, (wall - newest) * 1000))
            for m in marks:
                if m.seen is None and (newest > m.stamp or m.token in screen):
                    m.seen = seen_at
            if sent_key is not None:
                state = tool.key_states[press % len(tool.key_states)]
                if state(screen):
                    key_lat.append((seen_at - sent_key) * 1000)
                    press += 1
                    sent_key = None
                    next_key = seen_at + opts.key_every
                elif seen_at - sent_key > opts.key_cap:
                    key_fail = f"no visible answer to key {press + 1} within {opts.key_cap:.0f} s"
                    sent_key = None
            time.sleep(opts.poll)
        cpu = (v.cpu() - cpu0) / (time.perf_counter() - start)
        stopped = time.perf_counter()
        wrote = writer.stop()
        rss = v.rss_mb()
    lat = [((m.seen or stopped) - m.at) * 1000 for m in marks]
    unseen = [not m.seen for m in marks]

    def window(lo: float, hi: float) -> tuple[float, float, bool, bool] | None:
        """(median, p95, median censored, p95 censored) of the markers written in [lo, hi) s.

        A marker never shown counts as shown when the phase stopped: "at least that"."""
        part = [(lt, u) for m, lt, u in zip(marks, lat, unseen, strict=True)
                if lo <= m.at - start < hi]
        if not part:
            return None
        values = sorted(part)
        p50, p95 = values[len(values) // 2], values[min(len(values) - 1, int(0.95 * len(values)))]
        censored = any(u for _, u in part)
        # with censored values the order is only known up to the first of them
        first_censored = next((i for i, (_, u) in enumerate(values) if u), len(values))
        return (p50[0], p95[0], censored and len(values) // 2 >= first_censored,
                censored and min(len(values) - 1, int(0.95 * len(values))) >= first_censored)

    # least-squares slope of the screen's age over the run: does the lag grow?
    slope = None
    if len(age) > 10:
        xs, ys = [a for a, _ in age], [b for _, b in age]
        mx, my = statistics.fmean(xs), statistics.fmean(ys)
        var = sum((x - mx) ** 2 for x in xs)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else None
    return {
        "marks": len(marks), "unseen": sum(unseen), "lat": lat,
        "all": window(0, seconds + 1), "first": window(0, 10),
        "last": window(seconds - 10, seconds + 1), "slope": slope,
        "age_end": age[-1][1] if age else None, "keys": key_lat, "key_fail": key_fail,
        "looks": looks / (stopped - start), "cpu": cpu, "rss": rss,
        "rate": wrote.get("lines", 0) / max(1e-9, wrote.get("seconds", 1)),
    }


def describe_load(tool: Tool, r: dict, seconds: float) -> str:
    def w(x: tuple[float, float, bool, bool] | None) -> str:
        return f"{fmt_ms(x[0], x[2])}/{fmt_ms(x[1], x[3])} ms" if x else "-"

    text = (f"  {tool.name:8} writer {r['rate']:,.0f} lines/s; markers median/p95 {w(r['all'])} "
            f"({r['marks']} markers, {r['unseen']} not shown by the end); "
            f"first 10 s {w(r['first'])}, last 10 s {w(r['last'])}")
    if r["slope"] is not None:
        text += f"; screen age grows {r['slope']:+.0f} ms/s, {r['age_end']:.0f} ms at the end"
    text += f"; viewer CPU {r['cpu'] * 100:.0f}%, RSS {r['rss']:.0f} MB; {r['looks']:.0f} looks/s"
    if tool.key:
        if r["keys"]:
            keys = r["keys"]
            text += (f"\n           key {tool.key!r} answered: median "
                     f"{fmt_ms(statistics.median(keys))} ms, max {fmt_ms(max(keys))} ms "
                     f"({len(keys)} presses)")
        if r["key_fail"]:
            text += f"\n           {r['key_fail']}"
    return text


def phase_load(tmux: Tmux, tool: Tool, opts: argparse.Namespace, res: dict, rate: int,
               seconds: float, keys: bool) -> None:
    r = run_load(tmux, tool, opts, rate, seconds, keys)
    if r is not None:
        res[f"load{rate // 1000}k"] = r
        print(describe_load(tool, r, seconds))


STATUS = re.compile(r"([\d,]+)/([\d,]+) lines(?:, ([\d,]+) dropped)?")


def phase_rss(tmux: Tmux, tool: Tool, opts: argparse.Namespace, res: dict) -> None:
    total = 1_000_000
    with contextlib.ExitStack() as stack:
        started = start_following(tmux, tool, "rss.log", opts, stack)
        if started is None:
            return
        v, path = started
        before = v.rss_mb()
        writer = Writer(path, opts.rss_rate, total / opts.rss_rate + 30, total)
        stack.callback(writer.stop)
        start = time.perf_counter()
        while writer.running() and time.perf_counter() - start < total / opts.rss_rate + 30:
            time.sleep(0.1)
        wrote = writer.stop()
        token = f"MARK-END-{secrets.token_hex(3)}"
        append(path, marker_line(token))
        took, screen = wait_for(v, lambda s: token in s, opts.rss_cap, opts.poll)
        time.sleep(1)
        rss, peak = v.rss_mb(), v.rss_mb("VmHWM")
        screen = v.screen()
    counts = STATUS.search(screen)
    through = ""
    if counts:
        held = int(counts.group(2).replace(",", ""))
        dropped = int((counts.group(3) or "0").replace(",", ""))
        through = f"; status line: {held:,} held + {dropped:,} dropped"
    res["rss"] = (rss, took is not None)
    shown = ("last line shown" if took is not None
             else f"last line NOT shown {opts.rss_cap:.0f} s after the writer stopped")
    print(f"  {tool.name:8} {wrote.get('lines', 0):,} lines in {wrote.get('seconds', 0):.1f} s, "
          f"{shown}: RSS {rss:.0f} MB (peak {peak:.0f}, before {before:.0f}){through}")


# --- driver -----------------------------------------------------------------------------------


def ensure_toolong(path: str) -> bool:
    if Path(path).exists():
        return True
    if Path(path) != TOOLONG_VENV / "bin" / "tl":
        return False
    print(f"installing toolong into the throwaway venv {TOOLONG_VENV}...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(TOOLONG_VENV)], check=True)
    subprocess.run([str(TOOLONG_VENV / "bin" / "pip"), "install", "-q", "toolong"], check=True)
    return Path(path).exists()


def table(tools: list[Tool], results: dict[str, dict]) -> None:
    head = ["tool", "open 1GB s", "open RSS MB 1GB (10MB)", "quiet med/p95 ms", "10k/s p95 ms",
            "50k/s lag first/last 10s ms (med; growth)", "key ms at 50k/s (med/max)",
            "RSS after 1M MB"]
    rows = [head]
    for tool in tools:
        r = results.get(tool.name, {})
        row = [tool.name]
        if "open" in r:
            took, peak, first = r["open"]
            small = r.get("open10m", (None, None, None))[1]
            if took is not None:
                row.append(f"{took:.2f}")
            elif first is not None:
                row.append(f"never (backlog {first:.2f})")
            else:
                row.append("not shown")
            row.append(f"{peak:.0f} ({small:.0f})" if small is not None else f"{peak:.0f}")
        else:
            row += ["-", "-"]
        q = r.get("quiet")
        row.append(f"{fmt_ms(q[0])}/{fmt_ms(q[1])}" if q else "-")
        lk = r.get("load10k")
        row.append(fmt_ms(lk["all"][1], lk["all"][3]) if lk and lk["all"] else "-")
        l50 = r.get("load50k")
        if l50 and l50["first"] and l50["last"]:
            row.append(f"{fmt_ms(l50['first'][0], l50['first'][2])}/"
                       f"{fmt_ms(l50['last'][0], l50['last'][2])}"
                       + (f" ({l50['slope']:+.0f}/s)" if l50["slope"] is not None else ""))
        else:
            row.append("-")
        if l50 and l50["keys"]:
            row.append(f"{fmt_ms(statistics.median(l50['keys']))}/{fmt_ms(max(l50['keys']))}"
                       + (" (then none)" if l50["key_fail"] else ""))
        elif l50 and l50["key_fail"]:
            row.append("no answer")
        else:
            row.append("-" if l50 is None or tool.key else "n/a")
        rs = r.get("rss")
        row.append(f"{rs[0]:.0f}" + ("" if rs[1] else " (behind)") if rs else "-")
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        if n == 0:
            print("  ".join("-" * w for w in widths))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tools", default="warroom,tail,toolong")
    parser.add_argument("--phases", default="open,quiet,load10k,load50k,rss")
    parser.add_argument("--toolong", default=str(TOOLONG_VENV / "bin" / "tl"),
                        help="the `tl` command (default: a throwaway venv, made when missing)")
    parser.add_argument("--warroom", default=str(VENV_BIN / "warroom"),
                        help="the warroom command (another checkout's, or a wrapper)")
    parser.add_argument("--socket", default="bench", help="tmux -L socket name")
    parser.add_argument("--poll", type=float, default=0.001, help="seconds between two looks")
    parser.add_argument("--samples", type=int, default=50, help="quiet markers")
    parser.add_argument("--seconds10k", type=float, default=20.0)
    parser.add_argument("--seconds50k", type=float, default=60.0)
    parser.add_argument("--rss-rate", type=int, default=50_000)
    parser.add_argument("--open-cap", type=float, default=60.0)
    parser.add_argument("--open-stuck", type=float, default=3.0,
                        help="give up on the last line once the file's lines show and the "
                        "screen stays the same this long, the viewer idle")
    parser.add_argument("--rss-cap", type=float, default=20.0)
    parser.add_argument("--drain", type=float, default=5.0,
                        help="seconds to wait for markers after a load phase")
    parser.add_argument("--key-every", type=float, default=2.5)
    parser.add_argument("--key-cap", type=float, default=5.0)
    parser.add_argument("--settle", type=float, default=1.0)
    opts = parser.parse_args()
    phases = [p for p in opts.phases.split(",") if p]
    all_tools = make_tools(opts)
    tools = [all_tools[t] for t in opts.tools.split(",") if t]
    if any(t.name == "toolong" for t in tools) and not ensure_toolong(opts.toolong):
        print(f"toolong not found at {opts.toolong}: skipped")
        tools = [t for t in tools if t.name != "toolong"]

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    WORK.mkdir(exist_ok=True)
    if "open" in phases:
        ensure_big_file()
        with BIG.open("rb") as src:  # into the page cache: every tool opens it warm
            while src.read(64 << 20):
                pass
    results: dict[str, dict] = {t.name: {} for t in tools}
    tmux = Tmux(opts.socket)
    began = time.perf_counter()
    try:
        version = subprocess.run(["tmux", "-V"], capture_output=True, text=True).stdout.strip()
        times, cost = look_cost(tmux, opts.poll)
        print(f"{version}, {WIDTH}x{HEIGHT} panes; one look (capture-pane round trip through the "
              f"control client): median {statistics.median(times):.3f} ms, p95 "
              f"{pct(times, 0.95):.3f} ms; looking every {opts.poll * 1000:.1f} ms costs "
              f"{cost * 100:.0f}% of a core (this script + the tmux server)", flush=True)
        print(f"machine: {os.cpu_count()} CPUs, load average {load_average()} before the run "
              "(other work on the machine shows in every figure)", flush=True)
        steps = {
            "open": ("(1) open: the last line of a 1 GB (and 10 MB) file on screen", phase_open),
            "quiet": (f"(2) quiet: {opts.samples} isolated appends, write -> on screen",
                      phase_quiet),
            "load10k": (f"(3) 10,000 lines/s for {opts.seconds10k:.0f} s: marker write -> screen",
                        lambda *a: phase_load(*a, 10_000, opts.seconds10k, False)),
            "load50k": (f"(4) 50,000 lines/s for {opts.seconds50k:.0f} s: lag and key response",
                        lambda *a: phase_load(*a, 50_000, opts.seconds50k, True)),
            "rss": (f"(5) memory after 1,000,000 lines at {opts.rss_rate:,} lines/s", phase_rss),
        }
        for phase in phases:
            title, run = steps[phase]
            print(f"{title}   [load average {load_average()}]", flush=True)
            for tool in tools:
                try:
                    run(tmux, tool, opts, results[tool.name])
                except RuntimeError as exc:
                    print(f"  {tool.name:8} failed: {exc}")
                sys.stdout.flush()
        print(f"\nsummary ({time.perf_counter() - began:.0f} s; ms unless said; '>' means not "
              f"seen by the end of the phase, so at least that)")
        table(tools, results)
    finally:
        tmux.close()


def look_cost(tmux: Tmux, interval: float) -> tuple[list[float], float]:
    """Round trips of one look at a quiet pane for 2 s, and the CPU share of looking."""
    times: list[float] = []
    cpu0 = cpu_seconds(os.getpid()) + cpu_seconds(tmux.server_pid)
    start = time.perf_counter()
    while time.perf_counter() - start < 2:
        t = time.perf_counter()
        tmux.capture("ctl")
        times.append((time.perf_counter() - t) * 1000)
        time.sleep(interval)
    cpu = cpu_seconds(os.getpid()) + cpu_seconds(tmux.server_pid) - cpu0
    return times, cpu / (time.perf_counter() - start)


if __name__ == "__main__":
    main()
