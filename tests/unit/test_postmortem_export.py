"""The post-mortem document: flags on each artifact, the decision log, redaction, safe HTML."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.export_helpers import T0, drive, filled
from warroom.clock import FixedClock
from warroom.core.markdown import get_section
from warroom.core.models import EventKind
from warroom.core.state import Verdict
from warroom.export.html import markdown_to_html
from warroom.export.postmortem import (
    export_postmortem,
    record_document_path,
    render_html,
    render_postmortem,
)
from warroom.store.store import Store


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def store(tmp_path: Path, clock: FixedClock) -> Iterator[Store]:
    with Store.open(tmp_path / "pm.db", clock=clock) as s:
        yield s


@pytest.fixture
def incident(store: Store, clock: FixedClock) -> int:
    return drive(store, clock)


def _section(document: str, code: str) -> str:
    return get_section(document, f"[{code}]") or ""


def _flag(document: str, code: str) -> str:
    return next(line for line in _section(document, code).splitlines() if line.startswith("> "))


def test_each_artifact_says_what_is_shown(store: Store, incident: int) -> None:
    doc = render_postmortem(store, incident)
    assert _flag(doc, "INC-1").startswith(
        "> **Amended after approval, needs re-review: v2 shown, approved v1** "
        "(by rita at 2026-11-27T14:02:00Z)"
    )
    assert _flag(doc, "INC-2").startswith("> **Approved:** v3, by rita at ")
    # INC-2 passed on the INC-1 that was approved, which has changed since.
    assert ("> **An input changed:** INC-1 amended after approval (needs re-review); this "
            "phase passed on the earlier version.") in _section(doc, "INC-2")
    conflict = "Saved in conflict (on top of an older version, both kept): v3."
    assert conflict in _section(doc, "INC-2")
    assert _flag(doc, "INC-3").startswith("> **Completed:** v1.")
    assert _flag(doc, "INC-4").startswith("> **Approved:** v1, by sam")
    assert _flag(doc, "INC-5").startswith("> **Draft, not approved:** v1 (in review).")
    assert "_Not written (locked)._" in _section(doc, "INC-6")


def test_amendment_shows_the_changes_since_approval(store: Store, incident: int) -> None:
    inc1 = _section(render_postmortem(store, incident), "INC-1")
    assert "Amended: payments team paged." in inc1
    diff = inc1[inc1.index("**Changes since v1:**") :]
    assert "```diff\n--- v1\n+++ v2\n" in diff
    assert "+Amended: payments team paged." in diff
    assert "### Severity" in inc1  # the artifact's headings nest under its section


def test_reapproval_and_send_back_after_approval(store: Store, incident: int) -> None:
    store.decide(incident, 1, Verdict.APPROVE, reviewer="rita", criteria_ticked=[1, 2, 3])
    assert _flag(render_postmortem(store, incident), "INC-1").startswith("> **Approved:** v2")
    store.save_artifact(incident, 1, filled("INC-1") + "\nThird.\n", actor="ana")
    store.decide(incident, 1, Verdict.SEND_BACK, reviewer="rita", comment="Too vague")
    assert _flag(render_postmortem(store, incident), "INC-1").startswith(
        "> **Amended after approval, needs re-review: v3 shown, approved v2** "
        "(by rita at 2026-11-27T14:06:00Z; now revise)."
    )


def test_ungated_phase_amended_after_completion(store: Store, incident: int) -> None:
    store.save_artifact(incident, 3, filled("INC-3") + "\nUpdate sent.\n", actor="ana")
    inc3 = _section(render_postmortem(store, incident), "INC-3")
    assert "> **Amended after completion: v2 shown, completed v1**." in inc3
    assert "+Update sent." in inc3


def test_summary_and_metadata(store: Store, incident: int) -> None:
    doc = render_postmortem(store, incident)
    title, summary = doc.splitlines()[0], doc.splitlines()[2]
    assert title == "# Post-mortem: Checkout 5xx in EU (#1)"
    assert summary.startswith("A connection-handling regression in checkout-api v2.14.0")
    overview = get_section(doc, "Overview") or ""
    for expected in (
        "- **Severity:** Critical",
        "- **Status:** Mitigated",
        "- **Duration:** not resolved; 15m since started at export",
        "  - started: 2026-11-27T13:51:00Z (pin #",
        "  - time to detect (TTD): 9m (started to detected)",
        "  - time to mitigate (TTM): 13m (started to mitigated)",
        "- **Roles:** Incident Commander: ana",
    ):
        assert expected in overview
    with Store.open(store.path.with_name("fresh.db"), clock=store.clock) as fresh:
        blank = fresh.create_incident("Fresh", actor="ana")
        assert "_No summary yet" in render_postmortem(fresh, blank.id).splitlines()[2]


def test_timeline_has_sources_and_leaves_out_removed_and_system(
    store: Store, incident: int
) -> None:
    timeline = get_section(render_postmortem(store, incident), "Incident timeline") or ""
    assert (
        "- 2026-11-27T13:51:00Z [error] — from `/var/log/checkout.log:1042`, pinned by ana "
        "(read at 2026-11-27T14:01:00Z: logged 10m before it was read)"
    ) in timeline
    assert "(note by ana)" in timeline
    assert "wrong service" not in timeline
    assert "submitted for review" not in timeline
    audit = get_section(render_postmortem(store, incident), "Audit log") or ""
    assert "INC-2 submitted for review (rita)" in audit
    assert "Timeline entry #" in audit


def test_decision_log(store: Store, incident: int) -> None:
    log = get_section(render_postmortem(store, incident), "Gate decisions") or ""
    lines = log.strip().splitlines()
    assert lines[0] == "- 2026-11-27T14:02:00Z — INC-1 v1 **Approved** by rita"
    assert lines[1].startswith("  - [x] 1. ")
    assert lines[1].endswith("— automatic: passed")
    sent_back = lines.index("- 2026-11-27T14:04:00Z — INC-2 v1 **Mitigation insufficient** by rita")
    assert "automatic: failed" in lines[sent_back + 1]
    assert "  - Comment: Restart did not hold" in lines
    assert sum(1 for line in lines if line.startswith("- ")) == 4


def test_action_items_table(store: Store, incident: int) -> None:
    table = get_section(render_postmortem(store, incident), "Action items") or ""
    assert "| 1 | Alert on pool saturation | dana | P0 | quick win | open | 2026-12-04 |" in table
    assert "Extend the canary \\| to 15 minutes" in table


def test_export_redacts_by_default(store: Store, incident: int) -> None:
    document, counts = export_postmortem(store, incident)
    assert "abcdefghijklmnop1234567890" not in document
    assert "Authorization: Bearer [REDACTED:bearer-token]" in document
    assert counts == {"bearer-token": 1}
    raw, none = export_postmortem(store, incident, redact_secrets=False)
    assert "abcdefghijklmnop1234567890" in raw
    assert none == {}
    _, custom = export_postmortem(store, incident, extra_patterns=[r"pool \w+"])
    assert custom["custom"] >= 1


def test_html_is_standalone_and_escapes_untrusted_text(store: Store, incident: int) -> None:
    hostile = (
        "# [INC-5]: Post-Mortem Report\n\n## Incident Summary\n"
        "<script>alert('artifact')</script> <img src=x onerror=alert(1)> "
        "[click](javascript:alert(2)) ![t](https://tracker.example/p.png) [b]bold[/b]\n"
    )
    store.save_artifact(incident, 5, hostile, actor="mallory")
    store.add_event(incident, EventKind.PIN, "<script>alert('pin')</script> ``` [red]x[/]",
                    actor="mallory", source="/var/log/<evil>.log", position=7)
    page, counts = export_postmortem(store, incident, fmt="html")
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert "Content-Security-Policy" in page
    assert "<style>" in page
    assert counts == {"bearer-token": 1}
    assert not re.search(r"<(script|img|link|iframe|object)\b", page, re.IGNORECASE)
    assert "onerror=alert(1)&gt;" in page  # as text, inside no tag
    assert not re.search(r"<[^>]*\b(src|on\w+)=", page)  # no attribute loads or runs anything
    assert 'href="javascript' not in page
    assert "url(" not in page
    assert "@import" not in page
    assert "&lt;script&gt;alert('artifact')&lt;/script&gt;" in page
    assert "&lt;script&gt;alert('pin')&lt;/script&gt; ``` [red]x[/]" in page
    assert "/var/log/&lt;evil&gt;.log:7" in page
    assert "<h1>Post-mortem: Checkout 5xx in EU (#1)</h1>" in page
    assert "<table>" in page


def test_html_title_is_escaped(store: Store) -> None:
    incident = store.create_incident("</title><script>x</script>", actor="ana")
    page = render_html(store, incident.id)
    assert "<title>Post-mortem: &lt;/title&gt;&lt;script&gt;x&lt;/script&gt;</title>" in page
    assert "<script" not in page


def test_markdown_converter_covers_the_document_shapes() -> None:
    page = markdown_to_html(
        "# T\n\npara *em*\n\n- a\n  - b\n\n1. one\n\n```\n<code>\n```\n\n| x | y |\n|---|---|\n"
        "| 1 | 2 |\n\n> flag\n",
        title="t",
    )
    for fragment in ("<h1>T</h1>", "<em>em</em>", "<ul>", "<ol>", "<pre><code>&lt;code&gt;",
                     "<td>1</td>", "<blockquote>"):
        assert fragment in page


def test_backticks_in_a_pin_cannot_break_out_of_its_code(store: Store) -> None:
    incident = store.create_incident("x", actor="ana")
    store.add_event(incident.id, EventKind.PIN, "a ``` b\n# not a heading", actor="ana",
                    source="s.log")
    store.add_event(incident.id, EventKind.PIN, "`x`", actor="ana", source="s.log")
    doc = render_postmortem(store, incident.id)
    assert "  ````\n  a ``` b\n  # not a heading\n  ````" in doc
    assert "  `` `x` ``" in doc
    page = markdown_to_html(doc, title="t")
    assert "<pre><code>a ``` b\n# not a heading\n</code></pre>" in page
    assert "<code>`x`</code>" in page


def test_document_path_goes_into_inc6(store: Store, incident: int) -> None:
    assert record_document_path(store, incident, "/srv/pm.md", actor="ana") == (
        "note: INC-6 is locked until phase 5 (Post-Mortem) is approved, so this document's "
        "path is not written into its Post-Mortem Document section yet; export again once it "
        "is open"
    )
    store.decide(incident, 5, Verdict.APPROVE, reviewer="sam")
    note = record_document_path(store, incident, "/srv/pm.md", actor="ana")
    assert note == "INC-6 v1 names /srv/pm.md as the post-mortem document"
    inc6 = store.artifact_text(incident, 6)
    assert (get_section(inc6, "Post-Mortem Document") or "").strip() == "/srv/pm.md"
    assert inc6.startswith("# [INC-6]: Action Item Tracker")
    again = record_document_path(store, incident, "/srv/pm.md", actor="ana")
    assert again == "INC-6 already names /srv/pm.md as the post-mortem document"
    assert "/srv/pm.md" in _section(render_postmortem(store, incident), "INC-6")
