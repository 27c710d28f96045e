"""The log line parser: a table of real-world shapes, learning, records, JSON."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from warroom.timeline.parse import (
    LineParser,
    ParsedLine,
    normalize_level,
    parse_lines,
    without_stamp,
    write_parse_json,
)

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)

# (line, expected ISO timestamp or None, expected level or None)
# fmt: off
SAMPLES: list[tuple[str, str | None, str | None]] = [
    # ISO-8601 with fractions and zones
    ("2024-01-15T10:00:00Z GET /health 200", "2024-01-15T10:00:00+00:00", None),
    ("2024-01-15T10:00:00.123456789+05:30 INFO worker started",
     "2024-01-15T10:00:00.123456+05:30", "info"),
    ("2024-01-15T10:00:00.5-0800 WARN disk 91% full",
     "2024-01-15T10:00:00.500000-08:00", "warning"),
    ("2024-01-15 10:00:00.123 UTC [4242] LOG:  database system is ready",
     "2024-01-15T10:00:00.123000+00:00", "info"),
    ('2024-01-15 10:00:00.123 UTC [4242] FATAL:  role "x" does not exist',
     "2024-01-15T10:00:00.123000+00:00", "critical"),
    # journald short-iso / short-iso-precise
    ("2024-03-02T08:15:00+0100 web01 nginx[811]: reloading", "2024-03-02T08:15:00+01:00", None),
    ("2024-03-02T08:15:00.654321+01:00 web01 systemd[1]: Started Session 4.",
     "2024-03-02T08:15:00.654321+01:00", None),
    # syslog, no year
    ("Mar  3 07:01:02 db2 kernel: EXT4-fs error (device sda1): bad block",
     "2024-03-03T07:01:02", None),
    ("Feb 20 23:59:59 gw sshd[3021]: Failed password for root", "2024-02-20T23:59:59", None),
    ("May 30 04:02:55 gw logrotate: ALERT exited abnormally with [1]", "2024-05-30T04:02:55", None),
    ("<11>Feb 20 23:59:59 gw app[1]: disk gone", "2024-02-20T23:59:59", "error"),
    # PostgreSQL under syslog: the message opens with its own level
    ("Mar  3 07:01:02 db-1 postgres[811]: WARNING:  too many connections for role \"app\"",
     "2024-03-03T07:01:02", "warning"),
    ("Mar  3 07:01:02 db-1 postgres[811]: FATAL:  the database system is shutting down",
     "2024-03-03T07:01:02", "critical"),
    ("Mar  3 07:01:02 db-1 postgres[811]: LOG:  checkpoint complete", "2024-03-03T07:01:02",
     "info"),
    ("Mar  3 07:01:02 gw cron[99]: PAM: session opened for user root", "2024-03-03T07:01:02",
     None),
    # Apache / nginx
    ("[Tue Jan 09 11:22:33 2024] [error] [client 10.0.0.7] File does not exist: /var/www/x",
     "2024-01-09T11:22:33", "error"),
    ("[Tue Jan 09 11:22:33.402111 2024] [proxy:warn] [pid 812:tid 99] AH01144: No protocol",
     "2024-01-09T11:22:33.402111", "warning"),
    ("[Thu Feb 01 06:00:01 2024] [notice] Apache/2.2.3 configured",
     "2024-02-01T06:00:01", "notice"),
    ('10.1.2.3 - alice [09/Jan/2024:11:22:33 -0700] "GET /a HTTP/1.1" 404 12',
     "2024-01-09T11:22:33-07:00", None),
    ('::1 - - [09/Jan/2024:11:22:33 +0000] "POST /login HTTP/2.0" 500 0 "-" "curl/8"',
     "2024-01-09T11:22:33+00:00", None),
    ("2024/01/09 11:22:33 [crit] 77#77: *9 connect() failed (111: Connection refused)",
     "2024-01-09T11:22:33", "critical"),
    # Java / log4j / logback / Spring / Tomcat / Zookeeper-style
    ("2023-07-04 09:10:11,512 ERROR [pool-1-thread-3] c.e.OrderService: timeout",
     "2023-07-04T09:10:11.512000", "error"),
    ("2023-07-04 09:10:11.512 [main] DEBUG o.h.SQL - select 1",
     "2023-07-04T09:10:11.512000", "debug"),
    ("2023-07-04T09:10:11.512+02:00  WARN 4711 --- [main] o.s.b.StartupInfo : slow start",
     "2023-07-04T09:10:11.512000+02:00", "warning"),
    ("04-Jul-2023 09:10:11.512 SEVERE [main] org.apache.catalina.Startup failed",
     "2023-07-04T09:10:11.512000", "error"),
    ("2023-07-04 09:10:11,512 - TRACE [Worker-2:Peer@88] - heartbeat",
     "2023-07-04T09:10:11.512000", "trace"),
    ("[2023-07-04T09:10:11,512][WARN ][o.e.c.r.a.DiskThresholdMonitor] [n1] low disk",
     "2023-07-04T09:10:11.512000", "warning"),
    ("18/03/11 22:01:02 INFO storage.BlockManager: Found block rdd_2_1 locally",
     "2018-03-11T22:01:02", "info"),
    # Python logging
    ("2022-11-30 23:59:58,001 - billing.db - CRITICAL - pool exhausted",
     "2022-11-30T23:59:58.001000", "critical"),
    ("2022-11-30 23:59:58,001 root WARNING retrying in 5s",
     "2022-11-30T23:59:58.001000", "warning"),
    ("ERROR:billing:charge failed for order 7", None, "error"),
    # Go, klog
    ("2009/11/10 23:00:00 listening on :8080", "2009-11-10T23:00:00", None),
    ("2009/11/10 23:00:00.123456 main.go:42: [ERROR] cannot bind",
     "2009-11-10T23:00:00.123456", "error"),
    ("E0514 14:03:22.001234    1 reflector.go:138] failed to list pods",
     "2024-05-14T14:03:22.001234", "error"),
    ("W0514 14:03:22.001234    1 warnings.go:70] deprecated API",
     "2024-05-14T14:03:22.001234", "warning"),
    # Android logcat
    ("05-21 07:45:12.345  1200  1333 W ActivityManager: Slow operation",
     "2024-05-21T07:45:12.345000", "warning"),
    ("05-21 07:45:12.345  1200  1333 V AudioFlinger: mixer tick",
     "2024-05-21T07:45:12.345000", "trace"),
    ("05-21 07:45:12.345  1200  1333 F libc    : Fatal signal 11",
     "2024-05-21T07:45:12.345000", "critical"),
    ("E/Camera2( 2211): device disconnected", None, "error"),
    # compact yymmdd HHMMSS and basic ISO
    ("190503 101112 77 WARN dfs.DataNode: slow BlockReceiver write",
     "2019-05-03T10:11:12", "warning"),
    ("20240115T100000Z backup finished", "2024-01-15T10:00:00+00:00", None),
    # Windows CBS
    ("2019-02-11 17:20:01, Warning               CBS    Failed to get session package",
     "2019-02-11T17:20:01", "warning"),
    ("2019-02-11 17:20:01, Error                 CSI    0000000a Unable to open file",
     "2019-02-11T17:20:01", "error"),
    # BGL-style: epoch then dates; the full calendar stamp wins over the epoch
    ("- 1120000000 2005.06.28 R12-M0-N4-C:J02-U01 2005-06-28-16.06.40.100200 "
     "R12-M0-N4-C:J02-U01 RAS KERNEL FATAL machine check interrupt",
     "2005-06-28T16:06:40.100200", "critical"),
    ("KERNSTOR 1120000000 2005.06.28 R12-M0-N4-I:J18-U11 2005-06-28-16.06.40.100200 "
     "R12-M0-N4-I:J18-U11 RAS APP SEVERE ciod: error loading /bin/x",
     "2005-06-28T16:06:40.100200", "error"),
    # epochs
    ("1700000000 cron job ran", "2023-11-14T22:13:20+00:00", None),
    ("1700000000.25 WARN queue deep", "2023-11-14T22:13:20.250000+00:00", "warning"),
    ("1700000000123 ERROR upstream reset", "2023-11-14T22:13:20.123000+00:00", "error"),
    # other common shapes
    ('time="2024-01-15T10:00:00.123456789Z" level=warning msg="slow request"',
     "2024-01-15T10:00:00.123456+00:00", "warning"),
    ("level=error ts=2024-01-15T10:00:00.1Z caller=main.go:9 msg=boom",
     "2024-01-15T10:00:00.100000+00:00", "error"),
    ("E, [2024-01-15T10:00:00.123456 #7788] ERROR -- : undefined method",
     "2024-01-15T10:00:00.123456", "error"),
    ("4242:M 15 Jan 2024 10:00:00.123 * Ready to accept connections",
     "2024-01-15T10:00:00.123000", None),
    ("2024-01-15T10:00:00.123456Z 0 [Warning] [MY-010068] [Server] CA cert is self signed",
     "2024-01-15T10:00:00.123456+00:00", "warning"),
    ("Jan 15, 2024 1:02:03 PM org.apache.catalina.startup.Catalina start",
     "2024-01-15T13:02:03", None),
    ("[error] 2024-01-15T10:00:00.123000Z nonode@nohost <0.1.0> crash",
     "2024-01-15T10:00:00.123000+00:00", "error"),
    ("info: Microsoft.Hosting.Lifetime[0]", None, "info"),
    ("[10:00:00 INF] Application started", None, "info"),
    ("Tue, 15 Nov 1994 08:12:31 GMT proxy cache refreshed", "1994-11-15T08:12:31+00:00", None),
    ("15.01.2024 10:00:00 Sicherung abgeschlossen", "2024-01-15T10:00:00", None),
    ("01/15/2024 10:00:00 AM job done", "2024-01-15T10:00:00", None),
]
# fmt: on

# Lines whose message words look like levels but whose format carries none.
NO_LEVEL = [
    "2024-01-15 10:00:00 no error found",
    "2024-01-15 10:00:00 Connection error: timeout after 30s",
    "2024-01-15 10:00:00 [main] Error handling request",
    "2024-01-15 10:00:00 GET /api/errors 500",
    "2024-01-15 10:00:00 job finished with warning count 0",
    "Jun 14 15:16:01 combo kernel: Warning: unable to open an initial console",
    "Jun 14 15:16:01 combo su(pam_unix)[2113]: ERROR session opened",
    '10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /error HTTP/1.0" 500 9',
    "2009/11/10 23:00:00 fatal error avoided",
    "the fatal flaw was found",
    "I think this is fine",
    "ERROR_CODE=5 returned",
]


def _iso(p: ParsedLine) -> str | None:
    return p.ts.isoformat() if p.ts else None


@pytest.mark.parametrize(("line", "ts", "level"), SAMPLES, ids=[s[0][:40] for s in SAMPLES])
def test_sample_line(line: str, ts: str | None, level: str | None) -> None:
    parsed = LineParser(now=NOW).parse(line)
    assert (_iso(parsed), parsed.level) == (ts, level)
    assert parsed.continuation is False


def test_table_is_big_enough() -> None:
    assert len(SAMPLES) >= 40


@pytest.mark.parametrize("line", NO_LEVEL)
def test_message_words_are_not_levels(line: str) -> None:
    assert LineParser(now=NOW).parse(line).level is None


@pytest.mark.parametrize(
    ("word", "level"),
    [
        ("WARN", "warning"),
        ("Warning", "warning"),
        ("W", "warning"),
        ("ERR", "error"),
        ("Error", "error"),
        ("E", "error"),
        ("FATAL", "critical"),
        ("CRIT", "critical"),
        ("SEVERE", "error"),
        ("EMERG", "critical"),
        ("ALERT", "critical"),
        ("PANIC", "critical"),
        ("FINE", "debug"),
        ("FINER", "trace"),
        ("FINEST", "trace"),
        ("VERBOSE", "trace"),
        ("NOTICE", "notice"),
        ("DBG", "debug"),
        ("TRC", "trace"),
        ("info", "info"),
        ("I", "info"),
        ("Info", "info"),
        ("combo", None),
        ("", None),
    ],
)
def test_normalize_level(word: str, level: str | None) -> None:
    assert normalize_level(word) == level


def test_yearless_takes_given_year_or_reference_year() -> None:
    line = "Dec 31 23:59:59 host cron[1]: tick"
    assert _iso(LineParser(year=2019).parse(line)) == "2019-12-31T23:59:59"
    # A date after the reference time is last year's: the log was written before now.
    ref = datetime(2025, 1, 2, tzinfo=UTC)
    assert _iso(LineParser(now=ref).parse(line)) == "2024-12-31T23:59:59"
    assert _iso(LineParser(now=ref).parse("Jan  2 00:00:01 h c: x")) == "2025-01-02T00:00:01"


def test_yearless_stream_moves_into_the_new_year() -> None:
    """A tail started on New Year's Eve: January lines are next year's."""
    lines = ["Dec 31 23:59:58 h app: a", "Dec 31 23:59:59 h app: b", "Jan  1 00:00:00 h app: c"]
    eve = datetime(2024, 12, 31, 23, 0, tzinfo=UTC)
    got = [_iso(p) for p in parse_lines(lines, now=eve)]
    assert got == ["2024-12-31T23:59:58", "2024-12-31T23:59:59", "2025-01-01T00:00:00"]
    got = [_iso(p) for p in parse_lines(lines, year=2019)]
    assert got[-1] == "2020-01-01T00:00:00"


def test_impossible_date_gives_no_timestamp() -> None:
    parsed = LineParser(year=2023).parse("Feb 29 10:00:00 host app: leap?")
    assert parsed.ts is None


def test_naive_without_zone_aware_with_zone() -> None:
    parser = LineParser(now=NOW)
    assert parser.parse("2024-01-15 10:00:00 x").ts.tzinfo is None
    assert parser.parse("2024-01-15 10:00:00+02:00 x").ts.utcoffset().total_seconds() == 7200


def test_learns_format_and_skips_full_search() -> None:
    parser = LineParser(now=NOW)
    calls = 0
    search = parser._search

    def counting(line: str):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return search(line)

    parser._search = counting  # type: ignore[method-assign]
    lines = [f"2024-01-15 10:00:{s:02d},000 INFO [t] svc - tick {s}" for s in range(50)]
    assert all(p.level == "info" for p in map(parser.parse, lines))
    assert calls == 1


def test_falls_back_when_format_changes() -> None:
    lines = [
        "2024-01-15 10:00:00,000 INFO one",
        "2024-01-15 10:00:01,000 INFO two",
        "Jan 15 10:00:02 host app[1]: three",
        "Jan 15 10:00:03 host app[1]: four",
        "[Mon Jan 15 10:00:04 2024] [error] five",
        "2024-01-15 10:00:05,000 WARN six",
    ]
    got = [(_iso(p), p.level) for p in parse_lines(lines, year=2024)]
    assert got == [
        ("2024-01-15T10:00:00", "info"),
        ("2024-01-15T10:00:01", "info"),
        ("2024-01-15T10:00:02", None),
        ("2024-01-15T10:00:03", None),
        ("2024-01-15T10:00:04", "error"),
        ("2024-01-15T10:00:05", "warning"),
    ]


def test_level_slot_is_learned_but_checked() -> None:
    lines = [
        "081109 203615 148 INFO dfs.DataNode: ok",
        "081109 203616 148 WARN dfs.DataNode: x",
        "081109 203617 148 dfs.DataNode: no level here",
    ]
    assert [p.level for p in parse_lines(lines)] == ["info", "warning", None]


def test_levelless_format_still_sees_a_level_right_after_the_stamp() -> None:
    lines = [f"2009/11/10 23:00:{i % 60:02d} request {i} served" for i in range(100)]
    lines.append("2009/11/10 23:01:40 [ERROR] database down")
    assert [p.level for p in parse_lines(lines)][-2:] == [None, "error"]


def test_java_stack_trace_is_one_record() -> None:
    lines = [
        "2023-07-04 09:10:11,512 ERROR [main] c.e.Api - request failed",
        "java.lang.IllegalStateException: no connection",
        "\tat com.example.Db.connect(Db.java:42)",
        "\tat com.example.Api.handle(Api.java:7)",
        "Caused by: java.net.ConnectException: Connection refused at 2023-07-04 09:10:00",
        "\t... 12 more",
        "2023-07-04 09:10:12,000 INFO [main] c.e.Api - recovered",
    ]
    got = [(_iso(p), p.level, p.continuation) for p in parse_lines(lines)]
    record = ("2023-07-04T09:10:11.512000", "error", True)
    assert got[0] == ("2023-07-04T09:10:11.512000", "error", False)
    assert got[1:6] == [record] * 5
    assert got[6] == ("2023-07-04T09:10:12", "info", False)


def test_python_traceback_is_one_record() -> None:
    lines = [
        "2022-11-30 23:59:58,001 - billing - ERROR - charge failed",
        "Traceback (most recent call last):",
        '  File "/srv/billing.py", line 10, in charge',
        "    raise ValueError('no card')",
        "ValueError: no card",
        "",
        "2022-11-30 23:59:59,000 - billing - INFO - next",
    ]
    got = list(parse_lines(lines))
    assert [p.continuation for p in got] == [False, True, True, True, True, False, False]
    assert all(p.level == "error" and _iso(p) == "2022-11-30T23:59:58.001000" for p in got[1:5])
    assert got[5] == ParsedLine(None, None, False)


def test_java_util_logging_two_line_record() -> None:
    lines = [
        "Jan 15, 2024 1:02:03 PM org.apache.catalina.core.StandardContext start",
        "SEVERE: Context [/app] startup failed due to previous errors",
        "java.lang.IllegalStateException: bad config",
        "\tat org.example.Config.load(Config.java:10)",
    ]
    got = [(_iso(p), p.level, p.continuation) for p in parse_lines(lines, year=2024)]
    assert got[0] == ("2024-01-15T13:02:03", None, False)
    assert got[1:] == [("2024-01-15T13:02:03", "error", True)] * 3


def test_untimed_line_with_a_level_starts_its_own_record() -> None:
    lines = [
        "2024-01-15 10:00:00,000 INFO ready",
        "ERROR:root:charge failed",
        "Traceback (most recent call last):",
        "ValueError: no card",
    ]
    got = [(_iso(p), p.level, p.continuation) for p in parse_lines(lines)]
    assert got[1:] == [(None, "error", False), (None, "error", True), (None, "error", True)]


def test_untimed_lines_before_any_record_are_not_continuations() -> None:
    got = list(parse_lines(["  indented banner", "plain text", "WARNING: no config", "  more"]))
    assert got == [
        ParsedLine(None, None, False),
        ParsedLine(None, None, False),
        ParsedLine(None, "warning", False),
        ParsedLine(None, "warning", True),  # continues the untimed warning
    ]


@pytest.mark.parametrize(
    ("line", "ts", "level"),
    [
        (
            '{"time":"2024-01-15T10:00:00.123Z","level":"warn","msg":"x"}',
            "2024-01-15T10:00:00.123000+00:00",
            "warning",
        ),
        (
            '{"level":50,"time":1700000000123,"pid":1,"msg":"pino"}',
            "2023-11-14T22:13:20.123000+00:00",
            "error",
        ),
        (
            '{"ts":1700000000.5,"lvl":"eror","msg":"log15"}',
            "2023-11-14T22:13:20.500000+00:00",
            "error",
        ),
        (
            '{"@timestamp":"2024-01-15T10:00:00.000+01:00","log.level":"INFO","message":"ecs"}',
            "2024-01-15T10:00:00+01:00",
            "info",
        ),
        (
            '{"@timestamp":"2024-01-15T10:00:00Z","log":{"level":"fatal"}}',
            "2024-01-15T10:00:00+00:00",
            "critical",
        ),
        (
            '{"timestamp":"2024-01-15 10:00:00,5","severity":"NOTICE"}',
            "2024-01-15T10:00:00.500000",
            "notice",
        ),
        (
            '{"t":{"$date":"2024-01-15T10:00:00.000+00:00"},"s":"W","c":"NETWORK"}',
            "2024-01-15T10:00:00+00:00",
            "warning",
        ),
        (
            '{"asctime":"2024-01-15 10:00:00,001","levelno":40,"message":"py"}',
            "2024-01-15T10:00:00.001000",
            "error",
        ),
        ('{"severity":3,"time":"2024-01-15T10:00:00Z"}', "2024-01-15T10:00:00+00:00", "error"),
        ('{"msg":"no fields we know","error":"disk"}', None, None),
        ('{"time":NaN,"level":Infinity}', None, None),
        ('{"time":-Infinity,"level":NaN,"ts":1e300}', None, None),
        ('{"time":"2024-01-15T10:00:00Z","PRIORITY":2}', "2024-01-15T10:00:00+00:00", "critical"),
        ('{"level":"chatty","time":"tomorrow"}', None, None),
    ],
)
def test_json_lines(line: str, ts: str | None, level: str | None) -> None:
    parsed = LineParser(now=NOW).parse(line)
    assert (_iso(parsed), parsed.level, parsed.continuation) == (ts, level, False)


def test_coloured_lines_parse_like_plain_ones() -> None:
    parser = LineParser(now=NOW)
    parsed = parser.parse("\x1b[2m2024-01-15 10:00:00,001\x1b[0m \x1b[31mERROR\x1b[0m db down")
    assert (_iso(parsed), parsed.level) == ("2024-01-15T10:00:00.001000", "error")


def test_broken_json_falls_back_to_text() -> None:
    parsed = LineParser(now=NOW).parse('{"time": "2024-01-15T10:00:00Z", "level": "warn"')
    assert _iso(parsed) == "2024-01-15T10:00:00+00:00"


def test_write_parse_json(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(
        b"2024-01-15 10:00:00,000 ERROR boom\r\n"
        b"\tat x.y(Z.java:1)\n"
        b"garbage \xff\xfe bytes\n"
        b"2024-01-15 10:00:01,000 INFO ok"  # no final newline
    )
    out = io.StringIO()
    assert write_parse_json(log, out, year=2024) == 4
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert rows == [
        {"line": 1, "ts": "2024-01-15T10:00:00", "level": "error"},
        {"line": 2, "ts": "2024-01-15T10:00:00", "level": "error"},
        {"line": 3, "ts": "2024-01-15T10:00:00", "level": "error"},
        {"line": 4, "ts": "2024-01-15T10:00:01", "level": "info"},
    ]


def test_write_parse_json_empty_and_missing(tmp_path: Path) -> None:
    empty = tmp_path / "empty.log"
    empty.write_bytes(b"")
    out = io.StringIO()
    assert write_parse_json(empty, out) == 0
    assert out.getvalue() == ""
    with pytest.raises(FileNotFoundError):  # an OSError, for the CLI to report
        write_parse_json(tmp_path / "missing.log", out)


def test_does_not_blow_up_on_hostile_lines() -> None:
    parser = LineParser(now=NOW)
    for line in [
        "{",
        "[" * 5000,
        "a " * 5000,
        "1" * 400,
        "\x00\x1b[31m",
        "2024-" * 300,
        "Jan " * 1000,
        "<999999>x",
        "{}",
        "[]",
        "null",
    ]:
        parser.parse(line)


@pytest.mark.parametrize(
    ("line", "rest"),
    [
        ("2026-12-03T15:47:22.648Z NOTICE payments pool exhausted",
         "NOTICE payments pool exhausted"),
        ("[Tue Jan 09 11:22:33 2024] [error] [client 10.0.0.7] gone",
         "[error] [client 10.0.0.7] gone"),
        ("Dec  3 14:46:39 db-1 postgres[811]: WARNING:  too many",
         "db-1 postgres[811]: WARNING:  too many"),
        ("2024-05-01 10:00:00,123 ERROR [main] c.x.Y - boom", "ERROR [main] c.x.Y - boom"),
        ("1701612345.123 INFO started", "INFO started"),
        # kept whole: no leading stamp, a stamp inside JSON, klog's stamp holding the level
        ("no stamp here", "no stamp here"),
        ('{"time":"2024-01-01T00:00:00Z","msg":"x"}', '{"time":"2024-01-01T00:00:00Z","msg":"x"}'),
        ("E1203 15:47:22.123456 12345 main.go:42] oops",
         "E1203 15:47:22.123456 12345 main.go:42] oops"),
        ("x 2024-05-01T10:00:00Z y", "x 2024-05-01T10:00:00Z y"),
        ("2024-05-01T10:00:00Z", "2024-05-01T10:00:00Z"),  # nothing after it: the line stays
    ],
)
def test_without_stamp(line: str, rest: str) -> None:
    assert without_stamp(line) == rest
