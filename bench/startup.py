"""How long each command takes to answer, beside the floors it cannot beat, in one run.

Usage: python bench/startup.py [--runs N] [--warroom CMD] [--only NAME,...]

Floors: `python -c pass` (the interpreter) and `python -c "import textual.app"`
(what any Textual screen costs before it draws). Then, against a fresh
database in a temporary directory:

- `warroom --version`, `note`, `list`, `status`, `artifact ID INC-1` (print):
  wall time until the process exits.
- the picker (`warroom`) and `warroom open ID`: wall time until the screen
  shows its text, read from a pseudo-terminal of 80x24 (escape sequences
  stripped), then ctrl+q.

Each figure is the median of --runs runs (min and max beside it), and the
difference from its floor. Goals (issue 14): --version <= floor + 50 ms; note,
list, status, artifact <= floor + 150 ms; picker and open <= Textual's floor +
300 ms. The machine is shared: compare within one run, not across runs.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import pty
import re
import select
import shlex
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ESCAPES = re.compile(
    r"\x1b(\[[0-9;?<>=$ ]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|.)"
)
SCREEN_CAP = 20.0  # seconds: a screen not drawn by then is reported as such


def run_to_exit(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def run_to_screen(argv: list[str], env: dict[str, str], marker: str) -> float:
    """Seconds from the start until `marker` is on the pseudo-terminal; inf if never."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: a terminal of 80x24
        os.execvpe(argv[0], argv, {**env, "COLUMNS": "80", "LINES": "24"})
    start = time.perf_counter()
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    seen = ""
    elapsed = float("inf")
    try:
        while time.perf_counter() - start < SCREEN_CAP:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536).decode("utf-8", "replace")
            except OSError:
                break
            seen = (seen + ESCAPES.sub("", chunk))[-4000:]
            if marker in seen:
                elapsed = time.perf_counter() - start
                break
    finally:
        try:
            os.write(fd, b"\x11")  # ctrl+q
            deadline = time.perf_counter() + 3
            while time.perf_counter() < deadline:
                done, _ = os.waitpid(pid, os.WNOHANG)
                if done:
                    break
                select.select([fd], [], [], 0.05)
                with contextlib.suppress(OSError):
                    os.read(fd, 65536)
            else:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
        finally:
            os.close(fd)
    return elapsed


def measure(fn: Callable[[], float], runs: int) -> list[float]:
    fn()  # warm the page cache and the bytecode cache
    return [fn() for _ in range(runs)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warroom", default=f"{sys.executable} -m warroom",
                        help="how to run warroom (default: this interpreter, -m warroom)")
    parser.add_argument("--only", default="", help="comma-separated names to run")
    args = parser.parse_args()
    py = sys.executable
    warroom = shlex.split(args.warroom)
    tmp = Path(tempfile.mkdtemp(prefix="warroom-startup-"))
    env = {
        **os.environ,
        "WARROOM_DB": str(tmp / "bench.db"),
        "WARROOM_USER": "bench",
        "XDG_CONFIG_HOME": str(tmp / "config"),
        "TERM": os.environ.get("TERM", "xterm-256color"),
    }
    env.pop("WARROOM_CONFIG", None)
    env.setdefault("PYTHONPATH", str(ROOT))
    subprocess.run([*warroom, "new", "Checkout 5xx", "--severity", "major"], env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)

    floor, textual = "python -c pass", "import textual.app"
    cases: list[tuple[str, str, Callable[[], float]]] = [
        (floor, "", lambda: run_to_exit([py, "-c", "pass"], env)),
        (textual, "", lambda: run_to_exit([py, "-c", "import textual.app"], env)),
        ("--version", floor, lambda: run_to_exit([*warroom, "--version"], env)),
        ("note", floor, lambda: run_to_exit([*warroom, "note", "1", "bench note"], env)),
        ("list", floor, lambda: run_to_exit([*warroom, "list"], env)),
        ("status", floor, lambda: run_to_exit([*warroom, "status", "1"], env)),
        ("artifact (print)", floor, lambda: run_to_exit([*warroom, "artifact", "1", "INC-1"], env)),
        ("picker on screen", textual, lambda: run_to_screen(warroom, env, "Checkout 5xx")),
        ("open on screen", textual,
         lambda: run_to_screen([*warroom, "open", "1"], env, "Triage Assessment")),
    ]
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    print(f"{args.runs} runs each; load average {os.getloadavg()[0]:.2f}; {args.warroom}")
    print(f"{'what':<20} {'median':>9} {'min':>9} {'max':>9}  above its floor")
    medians: dict[str, float] = {}
    for name, base, fn in cases:
        if only and name not in only and name not in (floor, textual):
            continue
        times = measure(fn, args.runs)
        med = statistics.median(times)
        medians[name] = med
        above = f"+{(med - medians[base]) * 1000:.0f} ms over {base}" if base else "(floor)"
        print(f"{name:<20} {med * 1000:>7.0f}ms {min(times) * 1000:>7.0f}ms "
              f"{max(times) * 1000:>7.0f}ms  {above}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
