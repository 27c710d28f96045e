"""How long the review takes over many incidents: `warroom report` and its screen.

    /work/venv/bin/python bench/report_bench.py [DB] [--count 10000] [--runs 3]

Makes DB with generate_incidents.py if it does not exist, then times, in this
process: the facts read with an empty cache (every artifact version parsed),
the report with the cache kept (what every later run costs), the JSON and HTML
rendering, and the screen from the key press to its charts drawn (Textual's
headless driver, 120x40). Wall and CPU seconds, best of --runs, beside a fixed
reference loop so a loaded machine can be told from a slow report.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate_incidents import generate  # noqa: E402

from warroom.core.review import Scope  # noqa: E402
from warroom.export.review import review_html  # noqa: E402
from warroom.store import review as store_review  # noqa: E402
from warroom.store.store import Store  # noqa: E402


def timed(fn, runs: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    best_wall = best_cpu = float("inf")
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return {"wall_s": round(best_wall, 3), "cpu_s": round(best_cpu, 3)}


async def open_screen(path: Path) -> float:
    """Seconds from `ctrl+r` in the picker to the review screen with its charts drawn."""
    from warroom.ui.app import WarroomApp
    from warroom.ui.screens.review import ReviewScreen

    with Store.open(path) as store:
        app = WarroomApp(store, actor="bench")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            began = time.perf_counter()
            await pilot.press("ctrl+r")
            while not (isinstance(app.screen, ReviewScreen) and app.screen.ready):
                await pilot.pause(0.01)
            await pilot.pause()
            return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("db", type=Path, nargs="?", default=Path("/tmp/warroom-review-bench.db"))
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-screen", action="store_true")
    args = parser.parse_args()
    if not args.db.exists():
        began = time.perf_counter()
        generate(args.db, args.count)
        print(json.dumps({"generated": args.count, "seconds": round(
            time.perf_counter() - began, 1)}), flush=True)
    result: dict[str, object] = {
        "load_average": os.getloadavg()[0],
        # ~0.05 s on an idle laptop core: how slow this machine is right now.
        "reference_loop_s": round(min(timeit.repeat(
            "sum(i * i for i in range(1_000_000))", number=1, repeat=3)), 3),
    }
    with Store.open(args.db) as store:
        incidents = store.db.execute("select count(*) from incidents").fetchone()[0]
        result["incidents"] = incidents
        store.db.execute("delete from artifact_facts")
        store.db.conn.commit()
        result["facts_cold"] = timed(lambda: store_review.incident_facts(store), 1)
        result["report_warm"] = timed(lambda: store_review.build(store, Scope()), args.runs)
        review = store_review.build(store, Scope())[0]
        result["json"] = timed(lambda: json.dumps(review.as_json()), args.runs)
        result["html"] = timed(lambda: review_html(review), args.runs)
    if not args.no_screen:
        result["screen_open_wall_s"] = round(asyncio.run(open_screen(args.db)), 3)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
