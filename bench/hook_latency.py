"""How long `warroom shell`'s hook takes per command, and how long the prompt waits for it.

Runs the hook as the generated rc file does (`python -I -S .../warroom/hook.py ...`) N times
in the foreground against a fresh database (what the insert itself takes: median and 90th
percentile wall time, the child's median CPU time, and the bare interpreter's start-up in
the same runs, since wall time on a loaded machine includes waiting for a core); then N
times from bash in the background, as the rc file starts it: what the prompt waits.

    python bench/hook_latency.py [N]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import warroom
from warroom.store.store import Store


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    hook = Path(warroom.__file__).resolve().parent / "hook.py"
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        with Store.open(db) as store:
            incident = store.create_incident("hook bench", actor="bench").id
        walls, cpus, bare = [], [], []
        for n in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-I", "-S", "-c", "pass"], check=True)
            bare.append(time.perf_counter() - start)
            now = f"{time.time():.6f}"
            argv = [sys.executable, "-I", "-S", str(hook), "-", str(db), str(incident), "bench",
                    "host", "0", now, now, "/tmp", f"echo {n}"]
            before = os.times()
            start = time.perf_counter()
            subprocess.run(argv, check=True)
            walls.append(time.perf_counter() - start)
            after = os.times()
            cpus.append(after.children_user + after.children_system
                        - before.children_user - before.children_system)
        waited = _prompt_waits(runs, hook, db, incident, Path(tmp))
        with Store.open(db) as store:
            recorded = sum(1 for e in store.events(incident) if e.kind.value == "action")
    walls.sort()
    print(f"what the prompt waits (bash starting the hook in the background, as the rc does): "
          f"median {statistics.median(waited) * 1000:.2f} ms, max {max(waited) * 1000:.2f} ms")
    print(f"{2 * runs} hook calls, {recorded} recorded; load average {os.getloadavg()[0]:.1f}")
    print(f"wall: median {statistics.median(walls) * 1000:.1f} ms, "
          f"p90 {walls[int(0.9 * (runs - 1))] * 1000:.1f} ms, min {walls[0] * 1000:.1f} ms")
    print(f"cpu:  median {statistics.median(cpus) * 1000:.1f} ms")
    print(f"the interpreter alone (python -I -S -c pass), same runs: wall median "
          f"{statistics.median(bare) * 1000:.1f} ms")


_LOOP = r"""
for n in $(seq "$RUNS"); do
  t0=$EPOCHREALTIME
  now=$EPOCHREALTIME
  : > "$DIR/pending.$now"
  ( "$PY" -I -S "$HOOK" "$DIR/pending.$now" "$DB" "$ID" bench host 0 "$now" "$now" /tmp \
    "bg $n" </dev/null >/dev/null & )
  t1=$EPOCHREALTIME
  echo "$t0 $t1"
  sleep 0.3
done
"""


def _prompt_waits(runs: int, hook: Path, db: Path, incident: int, where: Path) -> list[float]:
    """How long bash is held up per command when it starts the hook as the rc file does."""
    env = {**os.environ, "RUNS": str(runs), "DIR": str(where), "PY": sys.executable,
           "HOOK": str(hook), "DB": str(db), "ID": str(incident)}
    out = subprocess.run(["bash", "-c", _LOOP], env=env, capture_output=True, text=True,
                         check=True).stdout
    deadline = time.monotonic() + 30
    while any(where.glob("pending.*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [float(b) - float(a) for a, b in (line.split() for line in out.splitlines())]


if __name__ == "__main__":
    main()
