"""Engine-level speed and memory of the tail engine (no UI; the tmux run comes with it).

Usage: python bench/tail_bench.py [all|open|latency|load|memory] [--seconds N]

- open: time and peak RSS to get the last 100 lines of a 1 GB file (generated
  once as /tmp/warroom-bench-1g.log), beside the same on a 10 MB file and the
  bare interpreter with the engine imported: memory must not follow file size.
- latency: append-to-delivery time of isolated appends (one line, then a
  pause), with file events and with forced polling; median and p95.
- load: the same for marker lines while another process appends 10,000 (and
  then 50,000) lines a second to the same file; p95 per time window, to show
  the lag does not grow, and the engine's CPU use.
- memory: RSS after 1,000,000 lines went through an engine with a 100k buffer,
  drained every 16 ms like a UI would.

"Delivery" is the moment a consumer blocked in ``engine.wait()`` can drain
the record: read, sanitised, parsed and in the buffer. Each measurement runs
in a fresh interpreter so the figures do not leak into each other.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BIG = Path("/tmp/warroom-bench-1g.log")
GIB = 1 << 30
LINE = ("2024-03-09T13:{m:02d}:{s:02d}.{ms:03d}Z {lvl} [svc-{svc}] request id={rid} "
        "path=/api/v1/orders/{rid} took {took}ms upstream=10.0.{svc}.7:8080\n")
LEVELS = ["INFO"] * 8 + ["DEBUG", "WARN", "ERROR"]


def line(i: int) -> str:
    return LINE.format(m=i // 60000 % 60, s=i // 1000 % 60, ms=i % 1000, lvl=LEVELS[i % 11],
                       svc=i % 7, rid=100000 + i, took=i * 7 % 900)


def rss_kb(field: str = "VmRSS") -> int:
    with open("/proc/self/status") as status:
        for row in status:
            if row.startswith(field + ":"):
                return int(row.split()[1])
    return 0


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ensure_big_file() -> None:
    if BIG.exists() and BIG.stat().st_size >= GIB:
        return
    print(f"generating {BIG} (1 GiB, once)...", flush=True)
    block = "".join(line(i) for i in range(60_000)).encode()
    tmp = BIG.with_suffix(".tmp")
    with tmp.open("wb") as out:
        while out.tell() < GIB:
            out.write(block)
        out.write("".join(line(10_000_000 + i) for i in range(100)).encode())
    tmp.rename(BIG)


# --- measurements, each run in its own interpreter ----------------------------------------


def measure_open(path: str) -> None:
    from warroom.timeline.engine import TailEngine
    from warroom.timeline.sources import TailOptions

    base = rss_kb("VmHWM")
    started = time.perf_counter()
    with TailEngine(options=TailOptions(backlog=100)) as engine:
        engine.add_file(path)
        got = 0
        while got < 100:
            engine.wait(5)
            got += len(engine.drain().records)
        elapsed = time.perf_counter() - started
        peak = rss_kb("VmHWM")
    size = os.path.getsize(path)
    print(f"  {size / 1e6:9.1f} MB file: last {got} lines in {elapsed * 1000:6.1f} ms; "
          f"peak RSS {peak / 1024:5.1f} MB (interpreter + imports {base / 1024:.1f} MB)")


def _isolated(force_polling: bool, samples: int) -> list[float]:
    from warroom.timeline.engine import TailEngine
    from warroom.timeline.sources import TailOptions

    latencies: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "app.log"
        path.write_text("")
        with TailEngine(options=TailOptions(force_polling=force_polling)) as engine:
            engine.add_file(path)
            engine.wait(2)
            engine.drain()
            time.sleep(0.3)  # let the watcher settle
            with path.open("a") as writer:
                for i in range(samples):
                    time.sleep(random.uniform(0.01, 0.03))  # isolated: the system is quiet
                    marker = f"marker {i}"
                    sent = time.perf_counter()
                    writer.write(line(i).rstrip("\n") + f" {marker}\n")
                    writer.flush()
                    while True:
                        engine.wait(2)
                        batch = engine.drain()
                        if any(r.text.endswith(marker) for r in batch.records):
                            latencies.append((time.perf_counter() - sent) * 1000)
                            break
    return latencies


def measure_latency(samples: int) -> None:
    for polling in (False, True):
        lat = _isolated(polling, samples)
        mode = "polling every 50 ms" if polling else "file events (10/1)"
        print(f"  {mode:22}: median {statistics.median(lat):6.2f} ms, "
              f"p95 {pct(lat, 0.95):6.2f} ms, max {max(lat):6.2f} ms  ({len(lat)} appends)")


WRITER = r"""
import sys, time
path, rate, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
line = sys.argv[4]
chunk = max(1, rate // 1000)  # a write every millisecond
with open(path, "a", buffering=1) as out:
    start = time.perf_counter()
    n = 0
    while True:
        now = time.perf_counter() - start
        if now >= seconds:
            break
        due = int(now * rate)
        while n < due:
            out.write(line * min(chunk, due - n))
            n += min(chunk, due - n)
        time.sleep(0.001)
print(n, file=sys.stderr)
"""


def measure_load(rate: int, seconds: float) -> None:
    from warroom.timeline.engine import TailEngine

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "app.log"
        path.write_text("")
        with TailEngine() as engine:
            source = engine.add_file(path)
            engine.wait(2)
            engine.drain()
            time.sleep(0.3)
            sent: dict[str, float] = {}
            received: dict[str, float] = {}
            stop = threading.Event()

            def consume() -> None:  # a UI draining at frame rate would see the same
                while not stop.is_set():
                    engine.wait(0.1)
                    batch = engine.drain()
                    now = time.perf_counter()
                    for r in batch.records:
                        if r.raw.startswith(b"MARK "):
                            received[r.raw.decode()] = now

            consumer = threading.Thread(target=consume)
            consumer.start()
            writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(rate),
                                       str(seconds + 1), line(0)], stderr=subprocess.PIPE)
            cpu0, wall0 = time.process_time(), time.perf_counter()
            with path.open("a") as marks:
                started = time.perf_counter()
                i = 0
                while time.perf_counter() - started < seconds:
                    time.sleep(random.uniform(0.02, 0.06))
                    key = f"MARK {i}"
                    sent[key] = time.perf_counter()
                    marks.write(key + "\n")
                    marks.flush()
                    i += 1
            cpu = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
            written = int(writer.communicate()[1] or 0)
            deadline = time.perf_counter() + 5
            while len(received) < len(sent) and time.perf_counter() < deadline:
                time.sleep(0.01)
            stop.set()
            consumer.join()
            total = engine.buffer.total
            skipped = source.skipped_bytes
    lat = [(received[k] - sent[k]) * 1000 for k in sent if k in received]
    windows = []
    keys = list(sent)
    third = max(1, len(keys) // 3)
    for part in (keys[:third], keys[third:2 * third], keys[2 * third:]):
        part_lat = [(received[k] - sent[k]) * 1000 for k in part if k in received]
        windows.append(f"{pct(part_lat, 0.95):.1f}" if part_lat else "-")
    print(f"  {rate:6d} lines/s for {seconds:.0f} s: marker median "
          f"{statistics.median(lat):6.2f} ms, p95 {pct(lat, 0.95):6.2f} ms, "
          f"max {max(lat):7.2f} ms; p95 by thirds {' / '.join(windows)} ms; "
          f"{len(lat)}/{len(sent)} markers; {total} lines read ({written} written, "
          f"{skipped / 1e6:.1f} MB skipped to keep up); engine CPU {cpu * 100:.0f}% of a core")


def measure_memory(lines: int, buffer_size: int) -> None:
    from warroom.timeline.engine import TailEngine
    from warroom.timeline.sources import TailOptions

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "app.log"
        path.write_text("")
        base = rss_kb()
        # Every line must pass through the parser here: no skipping ahead when behind.
        options = TailOptions(max_lag_bytes=None)
        with TailEngine(buffer_size=buffer_size, options=options) as engine:
            source = engine.add_file(path)
            engine.wait(2)
            engine.drain()
            done = threading.Event()

            def write() -> None:
                with path.open("a") as out:
                    for start in range(0, lines, 10_000):
                        out.write("".join(line(i) for i in range(start, start + 10_000)))
                        out.flush()
                        time.sleep(0.005)
                done.set()

            writer = threading.Thread(target=write)
            started = time.perf_counter()
            writer.start()
            held: list = []  # a consumer keeping its own copy, as a UI would, bounded too
            deadline = time.monotonic() + 300
            while engine.buffer.total < lines and time.monotonic() < deadline:
                time.sleep(1 / 60)
                held.extend(engine.drain().records)
                del held[: max(0, len(held) - buffer_size)]
            elapsed = time.perf_counter() - started
            writer.join()
            batch = engine.drain()
            rss = rss_kb()
            print(f"  {engine.buffer.total} lines through a {buffer_size} buffer in "
                  f"{elapsed:.1f} s ({engine.buffer.total / elapsed:,.0f} lines/s): "
                  f"RSS {rss / 1024:.1f} MB (before: {base / 1024:.1f} MB, "
                  f"peak {rss_kb('VmHWM') / 1024:.1f} MB); held {batch.held}, "
                  f"dropped {batch.dropped}, skipped {source.skipped_bytes} bytes")


# --- driver -----------------------------------------------------------------------------


def run(*args: str) -> None:
    subprocess.run([sys.executable, __file__, *args], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", nargs="?", default="all",
                        choices=["all", "open", "latency", "load", "memory", "_open", "_load"])
    parser.add_argument("arg", nargs="?")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--samples", type=int, default=200)
    opts = parser.parse_args()
    if opts.what == "_open":
        measure_open(opts.arg)
        return
    if opts.what == "_load":
        measure_load(int(opts.arg), opts.seconds)
        return
    if opts.what in ("all", "open"):
        ensure_big_file()
        small = Path(tempfile.gettempdir()) / "warroom-bench-10m.log"
        with BIG.open("rb") as src, small.open("wb") as dst:
            dst.write(src.read(10_000_000))
            src.seek(-20_000, os.SEEK_END)
            dst.write(src.read())
        print("(a) opening a file at its end: the last 100 lines", flush=True)
        run("_open", str(small))
        run("_open", str(BIG))
        small.unlink()
    if opts.what in ("all", "latency"):
        print("(b) append -> delivery, isolated appends", flush=True)
        measure_latency(opts.samples)
    if opts.what in ("all", "load"):
        print("(c) marker latency while another process appends", flush=True)
        for rate in (10_000, 50_000):
            run("_load", str(rate), "--seconds", str(opts.seconds))
    if opts.what in ("all", "memory"):
        print("(d) memory after 1,000,000 lines", flush=True)
        measure_memory(1_000_000, 100_000)


if __name__ == "__main__":
    main()
