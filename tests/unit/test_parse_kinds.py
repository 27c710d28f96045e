"""The parser on kinds of lines it was not shown: invented lines, one kind per group.

Each kind is one the grammar has to cover without naming a product: unusual
separators in compact date-times, year-less stamps in other orders and in
brackets, several stamps on a line, levels in a second bracket, JSON level keys
in other spellings, and levels of databases logging through syslog.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from warroom.timeline.parse import LineParser

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)

# (line, expected ISO timestamp or None, expected level or None)
# fmt: off
KINDS: dict[str, list[tuple[str, str | None, str | None]]] = {
    "compact date-times, unusual separators": [
        ("20240115-10:00:00:123 WARN queue backed up", "2024-01-15T10:00:00.123000", "warning"),
        ("20240115 10:00:00.5 ERROR lost lease", "2024-01-15T10:00:00.500000", "error"),
        ("20240115_101500 INFO rotated", "2024-01-15T10:15:00", "info"),
        ("2024-01-15 10:00:00:250 [main] INFO ready", "2024-01-15T10:00:00.250000", "info"),
        ("2024/01/15-10:00:00,042 DEBUG tick", "2024-01-15T10:00:00.042000", "debug"),
        ("2024.01.15 10.00.00 ERROR disk", "2024-01-15T10:00:00", "error"),
        ("15-01-2024 10:00:00 ERROR card declined", "2024-01-15T10:00:00", "error"),
        ("2024-Jan-15 10:00:00.7 NOTICE vacuum", "2024-01-15T10:00:00.700000", "notice"),
        ("node7 20240115T101500Z WARN clock skew", "2024-01-15T10:15:00+00:00", "warning"),
    ],
    "year-less stamps in other orders and brackets": [
        ("[01.15 10:00:00.123] ERROR controller lost", "2024-01-15T10:00:00.123000", "error"),
        ("[05/31 23:59:59] WARN late", "2024-05-31T23:59:59", "warning"),
        ("(15/01 08:00:00) INFO day first when over twelve", "2024-01-15T08:00:00", "info"),
        ("[W] 01-15 10:00:00.001 lease expired", "2024-01-15T10:00:00.001000", "warning"),
        ("JAN 15 10:00:00 host app: up", "2024-01-15T10:00:00", None),
        ("jan 15 10:00:00 host app: up", "2024-01-15T10:00:00", None),
    ],
    "several stamps on a line": [
        # A relay's year-less header and the writer's own full date: the full date.
        ("Jan 15 10:00:01 db1 mysqld[77]: 2024-01-15T09:59:58.123456Z 0 [Warning] slow",
         "2024-01-15T09:59:58.123456+00:00", "warning"),
        ("Jan 15 10:00:01 web2 app[9]: job done at 2023-12-31 23:00:00", "2023-12-31T23:00:00",
         None),
        # An epoch that agrees with a year-less stamp gives the year and zone.
        ("Jan 15 10:00:01 gw agent[3]: ts=1705312801 sent", "2024-01-15T10:00:01+00:00", None),
        ("[Jan 15 10:00:01] 1705312801123 INFO synced", "2024-01-15T10:00:01.123000+00:00",
         "info"),
        # A long number far from the stamp is an id, not a time.
        ("Jan 15 10:00:01 gw app[3]: order 1700000000 paid", "2024-01-15T10:00:01", None),
        ("ts=1705312801.5 level=warn msg=hot", "2024-01-15T10:00:01.500000+00:00", "warning"),
    ],
    "epochs in seconds and milliseconds": [
        ("1705312801 ERROR boom", "2024-01-15T10:00:01+00:00", "error"),
        ("1705312801123 WARN slow", "2024-01-15T10:00:01.123000+00:00", "warning"),
        ("[1705312801.250] INFO up", "2024-01-15T10:00:01.250000+00:00", "info"),
    ],
    "levels in other positions": [
        ("2024-01-15 10:00:00,123 [pool-1-thread-3] [ERROR] pool exhausted",
         "2024-01-15T10:00:00.123000", "error"),
        ("[2024-01-15 10:00:00] [billing] [warn] retry 3", "2024-01-15T10:00:00", "warning"),
        ("[2024-01-15T10:00:00,123][INFO ][o.e.n.Node] [node-1] started",
         "2024-01-15T10:00:00.123000", "info"),
        ("2024-01-15 10:00:00 [Server thread/WARN]: can't keep up",
         "2024-01-15T10:00:00", "warning"),
        ("2024-01-15 10:00:00 [order service] [Error] charge failed",
         "2024-01-15T10:00:00", "error"),
        ("2024-01-15 10:00:00 web-3 (pid 12) <crit> out of memory",
         "2024-01-15T10:00:00", "critical"),
    ],
    "levels of databases through syslog": [
        ("Jan 15 10:00:01 db1 postgres[811]: [3-1] user=app,db=shop WARNING:  deadlock",
         "2024-01-15T10:00:01", "warning"),
        ("Jan 15 10:00:01 db1 postgres[811]: [4-1] ERROR:  duplicate key",
         "2024-01-15T10:00:01", "error"),
        ("Jan 15 10:00:01 db1 mysqld[77]: [ERROR] InnoDB: cannot allocate",
         "2024-01-15T10:00:01", "error"),
        ('Jan 15 10:00:01 db1 mongod[5]: {"s":"W","c":"NETWORK","msg":"slow"}',
         "2024-01-15T10:00:01", "warning"),
        ("Jan 15 10:00:01 db1 cron[5]: PAM: session opened", "2024-01-15T10:00:01", None),
    ],
}
JSON_KEYS: list[tuple[str, str | None, str | None]] = [
    ('{"Timestamp":"2024-01-15T10:00:00Z","Level":"Warning","Message":"x"}',
     "2024-01-15T10:00:00+00:00", "warning"),
    ('{"@timestamp":"2024-01-15T10:00:00Z","@level":"error"}', "2024-01-15T10:00:00+00:00",
     "error"),
    ('{"time":"2024-01-15T10:00:00Z","Severity":"CRITICAL"}', "2024-01-15T10:00:00+00:00",
     "critical"),
    ('{"TIME":"2024-01-15 10:00:00","LOG_LEVEL":"debug"}', "2024-01-15T10:00:00", "debug"),
    ('{"ts":1705312800,"logLevel":"Info"}', "2024-01-15T10:00:00+00:00", "info"),
    ('{"t":{"$date":"2024-01-15T10:00:00.000+00:00"},"s":"E","msg":"x"}',
     "2024-01-15T10:00:00+00:00", "error"),
    ('{"timestamp":"2024-01-15T10:00:00Z","severity_text":"WARN"}',
     "2024-01-15T10:00:00+00:00", "warning"),
]
# fmt: on


def _cases() -> list[tuple[str, str, str | None, str | None]]:
    return [(kind, *case) for kind, cases in KINDS.items() for case in cases]


@pytest.mark.parametrize(("kind", "line", "ts", "level"), _cases())
def test_each_kind_from_an_invented_line(
    kind: str, line: str, ts: str | None, level: str | None
) -> None:
    parsed = LineParser(now=NOW).parse(line)
    got = parsed.ts.isoformat() if parsed.ts else None
    assert (got, parsed.level) == (ts, level), kind


@pytest.mark.parametrize(("line", "ts", "level"), JSON_KEYS)
def test_json_keys_in_other_spellings(line: str, ts: str | None, level: str | None) -> None:
    parsed = LineParser(now=NOW).parse(line)
    assert (parsed.ts.isoformat() if parsed.ts else None, parsed.level) == (ts, level)


def test_a_source_keeps_the_most_complete_stamp_it_learned() -> None:
    """Learned per source: the relay's header no longer wins on the following lines."""
    parser = LineParser(now=NOW)
    lines = [
        f"Jan 15 10:00:0{i} db1 mysqld[77]: 2024-01-15T09:59:5{i}.000001Z 0 [Note] n{i}"
        for i in range(3)
    ]
    got = [parser.parse(line).ts for line in lines]
    assert [t.second for t in got if t] == [50, 51, 52]
