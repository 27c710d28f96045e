"""How fast ``warroom parse`` and ``sanitize`` run, per log format, on one core.

Usage: python bench/parse_speed.py [LINES_PER_FORMAT]   (default 500,000)

For each format it writes a temp file of realistic lines (ms timestamps that
advance, mixed levels, varied messages, stack traces where the format has
them), times ``write_parse_json`` on it into /dev/null (best of 3), and
times ``sanitize`` over the same lines. Times are CPU seconds of this
process (``time.process_time``), so other load on the machine does not
count against the figures: this is "lines per second on one core". The target is 200,000 lines/s for
parsing; the timeline needs sanitize to be far cheaper than that.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from warroom.timeline.parse import write_parse_json
from warroom.timeline.sanitize import sanitize

START = datetime(2024, 3, 9, 13, 0, tzinfo=UTC)
# fmt: off
WORDS = ["request", "served", "user", "cache", "miss", "retry", "upstream", "connection", "pool",
         "timeout", "order", "payment", "session", "token", "refreshed", "worker", "queue",
         "depth", "shard", "replica", "lag", "commit", "rollback"]
# fmt: on
LEVELS = ["DEBUG"] * 20 + ["INFO"] * 60 + ["WARN"] * 12 + ["ERROR"] * 7 + ["FATAL"]
JAVA_TRACE = [
    "java.lang.IllegalStateException: pool exhausted",
    "\tat com.example.db.Pool.acquire(Pool.java:118)",
    "\tat com.example.api.OrderHandler.handle(OrderHandler.java:52)",
    "\t... 31 more",
]
PY_TRACE = [
    "Traceback (most recent call last):",
    '  File "/srv/app/billing.py", line 88, in charge',
    "    raise TimeoutError('gateway')",
    "TimeoutError: gateway",
]


def _msg(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(4, 12))
    return " ".join(words) + f" id={rng.randint(1, 10**6)} took {rng.randint(1, 900)}ms"


def _times(rng: random.Random) -> Iterator[datetime]:
    t = START
    while True:
        t += timedelta(microseconds=rng.randint(0, 4000))
        yield t


Gen = Callable[[random.Random, datetime, str], str]
FORMATS: dict[str, Gen] = {
    "iso8601-zone": lambda r, t, lv: (
        f"{t:%Y-%m-%dT%H:%M:%S.%f}Z {lv:<5} [{r.choice(WORDS)}] {_msg(r)}"
    ),
    "log4j": lambda r, t, lv: (
        f"{t:%Y-%m-%d %H:%M:%S},{t.microsecond // 1000:03d} {lv} [pool-1-thread-{r.randint(1, 9)}]"
        f" com.example.{r.choice(WORDS).title()}Service: {_msg(r)}"
    ),
    "python": lambda r, t, lv: (
        f"{t:%Y-%m-%d %H:%M:%S},{t.microsecond // 1000:03d} - app.{r.choice(WORDS)} - "
        f"{lv.replace('WARN', 'WARNING')} - {_msg(r)}"
    ),
    "syslog": lambda r, t, lv: (
        f"{t:%b %e %H:%M:%S} web{r.randint(1, 4)} {r.choice(WORDS)}[{r.randint(100, 9999)}]: "
        f"{_msg(r)}"
    ),
    "apache-access": lambda r, t, lv: (
        f"10.0.{r.randint(0, 255)}.{r.randint(1, 254)} - - [{t:%d/%b/%Y:%H:%M:%S} +0000] "
        f'"GET /{r.choice(WORDS)}/{r.randint(1, 999)} HTTP/1.1" '
        f'{r.choice((200, 200, 304, 404, 500))} {r.randint(100, 99999)} "-" "Mozilla/5.0"'
    ),
    "apache-error": lambda r, t, lv: (
        f"[{t:%a %b %d %H:%M:%S.%f %Y}] [{r.choice(('core', 'proxy'))}:{lv.lower()}] "
        f"[pid {r.randint(100, 9999)}] {_msg(r)}"
    ),
    "nginx-error": lambda r, t, lv: (
        f"{t:%Y/%m/%d %H:%M:%S} [{lv.lower()}] {r.randint(1, 99)}#0: *{r.randint(1, 9999)} "
        f"{_msg(r)}"
    ),
    "go": lambda r, t, lv: f"{t:%Y/%m/%d %H:%M:%S.%f} main.go:{r.randint(1, 300)}: {_msg(r)}",
    "logcat": lambda r, t, lv: (
        f"{t:%m-%d %H:%M:%S}.{t.microsecond // 1000:03d} {r.randint(100, 9999):5d} "
        f"{r.randint(100, 9999):5d} {lv[0]} {r.choice(WORDS).title()}Manager: {_msg(r)}"
    ),
    "klog": lambda r, t, lv: (
        f"{lv[0] if lv[0] in 'IWEF' else 'I'}{t:%m%d %H:%M:%S.%f} {r.randint(1, 99):7d} "
        f"{r.choice(WORDS)}.go:{r.randint(1, 300)}] {_msg(r)}"
    ),
    "compact-yymmdd": lambda r, t, lv: (
        f"{t:%y%m%d %H%M%S} {r.randint(1, 999)} {lv} dfs.{r.choice(WORDS).title()}: {_msg(r)}"
    ),
    "windows-cbs": lambda r, t, lv: f"{t:%Y-%m-%d %H:%M:%S}, {lv.title():<22}CBS    {_msg(r)}",
    "bgl": lambda r, t, lv: (
        f"- {int(t.timestamp())} {t:%Y.%m.%d} R0{r.randint(0, 7)}-M1-N{r.randint(0, 9)}-C:J12-U11 "
        f"{t:%Y-%m-%d-%H.%M.%S.%f} R02-M1-N0-C:J12-U11 RAS KERNEL {lv} {_msg(r)}"
    ),
    "epoch": lambda r, t, lv: f"{t.timestamp():.3f} {lv} {_msg(r)}",
    "json": lambda r, t, lv: (
        f'{{"level":{ {"DEBUG": 20, "INFO": 30, "WARN": 40, "ERROR": 50, "FATAL": 60}[lv] },'
        f'"time":{int(t.timestamp() * 1000)},"pid":{r.randint(1, 9999)},"hostname":"web1",'
        f'"msg":"{_msg(r)}"}}'
    ),
}
TRACES = {"log4j": JAVA_TRACE, "python": PY_TRACE}


def generate(path: Path, fmt: str, count: int, seed: int = 7) -> list[str]:
    """Write ``count`` lines of one format; returns a sample for the sanitize timing."""
    rng = random.Random(seed)
    gen, trace = FORMATS[fmt], TRACES.get(fmt)
    times = _times(rng)
    lines: list[str] = []
    n = 0
    while n < count:
        lv = rng.choice(LEVELS)
        lines.append(gen(rng, next(times), lv))
        n += 1
        if trace and lv in ("ERROR", "FATAL") and n + len(trace) <= count:
            lines.extend(trace)
            n += len(trace)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


def time_parse(path: Path, repeat: int = 3) -> tuple[int, float]:
    best = float("inf")
    count = 0
    for _ in range(repeat):
        with open(os.devnull, "w", encoding="utf-8") as out:
            t0 = time.process_time()
            count = write_parse_json(path, out, year=2024)
            best = min(best, time.process_time() - t0)
    return count, best


def time_sanitize(lines: list[str]) -> float:
    t0 = time.process_time()
    for line in lines:
        sanitize(line, max_len=4000)
    return time.process_time() - t0


def hostile(lines: list[str]) -> list[str]:
    """The same lines as a colourising logger would write them, tabs and all."""
    out = []
    for i, line in enumerate(lines):
        head, _, tail = line.partition(" ")
        out.append(f"\x1b[2m{head}\x1b[0m\t\x1b[3{i % 8}m{tail}\x1b[0m")
    return out


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500_000
    print(f"{count:,} lines per format; write_parse_json to /dev/null, best of 3, CPU time\n")
    print(f"{'format':<16}{'parse lines/s':>15}{'sanitize lines/s':>18}{'µs/line':>9}")
    slowest = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        sample: list[str] = []
        for fmt in FORMATS:
            path = Path(tmp) / f"{fmt}.log"
            lines = generate(path, fmt, count)
            n, secs = time_parse(path)
            san = time_sanitize(lines)
            rate = n / secs
            slowest = min(slowest, rate)
            per_line = 1e6 * san / len(lines)
            print(f"{fmt:<16}{rate:>15,.0f}{len(lines) / san:>18,.0f}{per_line:>9.2f}")
            sample.extend(lines[:20_000])
            path.unlink()
        colour = hostile(sample)
        san = time_sanitize(colour)
        print(
            f"\n{'sanitize, ANSI-coloured lines with tabs':<42}"
            f"{len(colour) / san:>12,.0f} lines/s  {1e6 * san / len(colour):.2f} µs/line"
        )
    print(f"\nslowest parse: {slowest:,.0f} lines/s (target 200,000)")
    return 0 if slowest >= 200_000 else 1


if __name__ == "__main__":
    sys.exit(main())
