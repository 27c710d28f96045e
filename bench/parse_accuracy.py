"""Measure the log parser against Loghub's hand-labelled CSVs.

Usage: python bench/parse_accuracy.py [LOGHUB_DIR]   (default /work/shared/loghub)

Each system folder holds NAME_2k.log and NAME_2k.log_structured.csv. The log
goes through ``write_parse_json`` (the code behind ``warroom parse``); every
output line is compared with its CSV row: the timestamp on the fields the
file has (no year for syslog and logcat), the level where the CSV's Level
column holds level words (Linux's holds the host name, so it shows n/a).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from warroom.timeline.parse import normalize_level, write_parse_json

DEFAULT_DIR = Path("/work/shared/loghub")
# The ground truth's own layouts, tried in order; the first that reads a system's
# first row is used for all its rows. A layout without %y/%Y has no year.
_FULL = ("%a %b %d %H:%M:%S %Y", "%Y-%m-%d-%H.%M.%S.%f", "%Y-%m-%d %H:%M:%S")
_DATES = ("%y%m%d", "%y/%m/%d", "%Y-%m-%d", "%m-%d", "%b %d")
_TIMES = ("%H%M%S", "%H:%M:%S", "%H:%M:%S,%f", "%H:%M:%S.%f")
_FIELDS = ("month", "day", "hour", "minute", "second", "microsecond")
# A fixed reference time: the files are old, so year-less stamps never roll back.
_NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _full_time(text: str) -> bool:
    for fmt in _FULL:
        try:
            datetime.strptime(text, fmt)  # noqa: DTZ007 - ground truth wall times have no zone
        except ValueError:
            continue
        return True
    return False


def _gt_text(row: dict[str, str]) -> str:
    """The row's time fields as one string; a full Time column (BGL) wins over Date."""
    if _full_time(row["Time"]):
        return row["Time"]
    if row.get("Month"):
        return f"{row['Month']} {row['Date']} {row['Time']}"
    if row.get("Date"):
        return f"{row['Date']} {row['Time']}"
    return row["Time"]


def _gt_format(row: dict[str, str]) -> str:
    text = _gt_text(row)
    formats = list(_FULL) + [f"{d} {t}" for d in _DATES for t in _TIMES]
    for fmt in formats:
        try:
            datetime.strptime(text, fmt)  # noqa: DTZ007 - ground truth wall times have no zone
        except ValueError:
            continue
        return fmt
    raise SystemExit(f"cannot read ground-truth time {text!r}")


def _ts_ok(parsed: str | None, expected: datetime, has_year: bool) -> bool:
    if parsed is None:
        return False
    got = datetime.fromisoformat(parsed)
    fields = (("year",) if has_year else ()) + _FIELDS
    return all(getattr(got, f) == getattr(expected, f) for f in fields)


def measure(folder: Path) -> tuple[str, int, float, float | None, int]:
    """Returns (system, lines, ts accuracy %, level accuracy % or None, stray levels)."""
    name = folder.name
    with open(folder / f"{name}_2k.log_structured.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = io.StringIO()
    write_parse_json(folder / f"{name}_2k.log", out, now=_NOW)
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    if len(results) != len(rows):
        raise SystemExit(f"{name}: {len(results)} parsed lines but {len(rows)} CSV rows")
    fmt = _gt_format(rows[0])
    has_year = "%y" in fmt.lower()
    ts_ok = level_ok = level_rows = stray = 0
    for row, res in zip(rows, results, strict=True):
        expected = datetime.strptime(_gt_text(row), fmt)  # noqa: DTZ007 - naive wall time
        if _ts_ok(res["ts"], expected, has_year):
            ts_ok += 1
        elif "-v" in sys.argv:
            print(f"  ts  {name}:{res['line']}: got {res['ts']} want {expected}")
        want = normalize_level(row.get("Level", ""))
        if want is None:
            stray += res["level"] is not None
            continue
        level_rows += 1
        if res["level"] == want:
            level_ok += 1
        elif "-v" in sys.argv:
            print(f"  lvl {name}:{res['line']}: got {res['level']} want {want}")
    level_acc = 100 * level_ok / level_rows if level_rows else None
    return name, len(rows), 100 * ts_ok / len(rows), level_acc, stray


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    root = Path(args[0]) if args else DEFAULT_DIR
    if not root.is_dir():
        print(f"no loghub samples at {root}; nothing to measure")
        return 0
    folders = sorted(p for p in root.iterdir() if (p / f"{p.name}_2k.log").is_file())
    print(f"{'system':<12}{'lines':>7}{'ts %':>9}{'level %':>9}   levels on unlabelled lines")
    worst = 100.0
    for folder in folders:
        name, n, ts_acc, lvl_acc, stray = measure(folder)
        lvl = f"{lvl_acc:.2f}" if lvl_acc is not None else "n/a"
        print(f"{name:<12}{n:>7}{ts_acc:>9.2f}{lvl:>9}   {stray}")
        worst = min(worst, ts_acc, lvl_acc if lvl_acc is not None else 100.0)
    print(f"worst: {worst:.2f}% (target 99%)")
    return 0 if worst >= 99.0 else 1


if __name__ == "__main__":
    sys.exit(main())
