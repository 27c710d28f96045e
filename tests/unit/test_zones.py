"""Time zones: a source's zone makes naive stamps aware; DST gaps and folds; --tz."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from warroom.cli.main import main
from warroom.timeline.parse import LineParser, write_parse_json
from warroom.timeline.zones import ZoneError, display_time, localize, split_zone

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _utc(parser: LineParser, line: str) -> str:
    ts = parser.parse(line).ts
    assert ts is not None
    assert ts.tzinfo is not None
    return ts.astimezone(UTC).strftime("%H:%M:%S")


def test_a_naive_summer_stamp_in_berlin_is_two_hours_ahead_of_utc(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("2026-07-01 12:00:00 INFO up\n2026-01-15 12:00:00 INFO winter\n")
    out = io.StringIO()
    write_parse_json(log, out, zone=BERLIN)
    got = [json.loads(line)["ts"] for line in out.getvalue().splitlines()]
    assert got == ["2026-07-01T12:00:00+02:00", "2026-01-15T12:00:00+01:00"]


def test_a_stamp_with_its_own_zone_keeps_it() -> None:
    parser = LineParser(now=NOW, zone=BERLIN)
    assert parser.parse("2026-07-01T12:00:00Z x").ts == datetime(2026, 7, 1, 12, tzinfo=UTC)


def test_spring_forward_gap_is_moved_forward_and_time_keeps_going() -> None:
    """29 March 2026: 02:00 -> 03:00 in Berlin; 02:30 never happened on a wall clock."""
    parser = LineParser(now=NOW, zone=BERLIN)
    lines = ["2026-03-29 01:59:59 a", "2026-03-29 02:30:00 b", "2026-03-29 03:00:01 c"]
    assert [_utc(parser, line) for line in lines] == ["00:59:59", "01:30:00", "01:00:01"]
    assert localize(datetime(2026, 3, 29, 2, 30), BERLIN).isoformat() == (  # noqa: DTZ001
        "2026-03-29T03:30:00+02:00"
    )


def test_autumn_fold_reads_the_repeated_hour_twice_in_order() -> None:
    """25 October 2026: 03:00 -> 02:00 in Berlin; 02:00-02:59 happens twice.

    Milliseconds inside the fold go through the per-second cache: the second pass
    must not take the first pass's offset from it."""
    parser = LineParser(now=NOW, zone=BERLIN)
    lines = [
        "2026-10-25 02:30:00.100 first pass",
        "2026-10-25 02:59:59.900 first pass",
        "2026-10-25 02:30:00.200 second pass",
        "2026-10-25 03:00:00.000 after",
    ]
    assert [_utc(parser, line) for line in lines] == ["00:30:00", "00:59:59", "01:30:00",
                                                      "02:00:00"]


def test_year_less_syslog_in_new_york_crosses_dst() -> None:
    ny = ZoneInfo("America/New_York")
    parser = LineParser(now=NOW, zone=ny, year=2026)
    before = parser.parse("Mar  8 01:59:00 host app: a").ts
    after = parser.parse("Mar  8 03:01:00 host app: b").ts
    assert before is not None
    assert after is not None
    assert (after - before).total_seconds() == 120  # two minutes of real time, not 62


def test_source_spec_carries_a_zone() -> None:
    assert split_zone("/var/log/app.log@Europe/Berlin") == ("/var/log/app.log", "Europe/Berlin")
    assert split_zone("/var/log/app.log") == ("/var/log/app.log", None)
    assert split_zone("/srv/user@host.log") == ("/srv/user@host.log", None)
    assert split_zone("/logs/*.log@UTC") == ("/logs/*.log", "UTC")
    with pytest.raises(ZoneError):
        split_zone("/var/log/app.log@Europe/Berlinn")


def test_display_time_converts_aware_and_keeps_naive() -> None:
    when = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert display_time(when, BERLIN) == "12:00:00"
    assert display_time(when.replace(tzinfo=None), BERLIN) == "10:00:00"


def test_parse_cli_tz(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "app.log"
    log.write_text("2026-07-01 12:00:00 INFO up\n")
    assert main(["parse", "--tz", "Europe/Berlin", str(log)]) == 0
    assert json.loads(capsys.readouterr().out)["ts"] == "2026-07-01T12:00:00+02:00"
    assert main(["parse", "--tz", "Mars/Olympus", str(log)]) == 2
    assert "unknown time zone" in capsys.readouterr().err


def test_engine_source_zone_shows_on_its_tag(tmp_path: Path) -> None:
    from warroom.timeline.engine import TailEngine

    log = tmp_path / "app.log"
    log.write_text("2026-07-01 12:00:00 INFO up\n")
    with TailEngine() as engine:
        source = engine.add_path(f"{log}@Europe/Berlin")
        assert source.tag == "app@Europe/Berlin"
        assert source.zone == BERLIN
