"""Exports carry no control character, no raw HTML and no dangerous link, and are 0600."""

from __future__ import annotations

import os
import re
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.hostile import HOSTILE, TITLE, leaks
from warroom.clock import FixedClock
from warroom.core.models import EventKind
from warroom.export.files import touch_private, write_private
from warroom.export.html import markdown_to_html
from warroom.export.inert import inert_markdown
from warroom.export.postmortem import export_postmortem
from warroom.store.store import Store

T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
ATTACK = """## Impact
<script>alert(document.cookie)</script> and <img src=x onerror=alert(1)>
[runbook](javascript:alert(1)) [ok](https://runbooks.example/checkout)
[mail](mailto:oncall@example.com)
[data](data:text/html;base64,PHNjcmlwdD4=) [vb](VBScript:msgbox) [ent](&#106;avascript:alert(1))
![tracker](https://evil.example/pixel.png) <javascript:alert(1)> <!-- hidden -->
[ref]: javascript:alert(2)
`<code>` stays literal
"""


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store.open(tmp_path / "x.db", clock=FixedClock(T0)) as s:
        incident = s.create_incident(TITLE, actor="eve")
        s.save_artifact(incident.id, 1, ATTACK + "\n".join(HOSTILE) + "\n", actor="eve",
                        base_version=0)
        s.add_event(incident.id, EventKind.NOTE, "\n".join(HOSTILE), actor=HOSTILE[1])
        for text in HOSTILE:
            s.pin_line(incident.id, text.encode(), actor="eve", logged_at=None, received_at=T0,
                       source="/var/log/\x1b]0;PWNED-TITLE\x07.log", position=1, level="error")
        yield s


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_no_control_character_reaches_the_file(store: Store, fmt: str) -> None:
    document, _counts = export_postmortem(store, 1, fmt=fmt)
    assert not CONTROL.search(document), CONTROL.findall(document)
    assert not leaks(document.encode())
    assert "osc52  clipboard" in document  # what was around a sequence is still there
    assert "[@click=app.quit]quit[/]" in document


def test_markdown_carries_no_raw_html_and_no_unsafe_link(store: Store) -> None:
    document, _counts = export_postmortem(store, 1)
    assert "<script" not in document
    assert "<img" not in document
    assert "<!--" not in document
    assert "&lt;script>alert(document.cookie)&lt;/script>" in document  # shown, as text
    for scheme in ("javascript:", "data:", "VBScript:", "&#106;avascript:"):
        assert f"]({scheme}" not in document  # no longer a link
    assert "[runbook]\\(javascript:alert(1))" in document
    assert "[ok](https://runbooks.example/checkout)" in document  # safe links stay links
    assert "[mail](mailto:oncall@example.com)" in document
    assert "!\\[tracker]" in document  # an image is not fetched
    assert "\\[ref]: javascript:alert(2)" in document
    assert "`<code>` stays literal" in document  # code is literal already


def test_rendered_markdown_has_only_safe_links(store: Store) -> None:
    """What a wiki would make of the Markdown export (rendered here with raw HTML on)."""
    from markdown_it import MarkdownIt

    document, _counts = export_postmortem(store, 1)
    html = MarkdownIt("commonmark", {"html": True}).render(document)
    assert "<script" not in html
    assert "<img" not in html
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs
    assert all(h.startswith(("https://", "mailto:")) for h in hrefs), hrefs


def test_html_export_links_are_http_or_mailto_only() -> None:
    page = markdown_to_html("[a](ftp://x.example/f) [b](ssh://host) [c](https://ok.example)",
                            title="t")
    assert re.findall(r'href="([^"]*)"', page) == ["https://ok.example"]


def test_inert_markdown_leaves_ordinary_markdown_alone() -> None:
    ordinary = ("# Title\n\n- a *list* with `code <b>` and a [link](https://x.example)\n\n"
                "| a | b |\n|---|---|\n| 1 | 2 |\n\n> quote\n\n```\n<raw> in a fence\n```\n")
    assert inert_markdown(ordinary) == ordinary


def test_exports_are_created_readable_by_their_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.md"
        touch_private(fresh)
        write_private(fresh, "x")
        existing = tmp_path / "existing.md"
        existing.write_text("old")
        existing.chmod(0o644)
        write_private(existing, "new")
    finally:
        os.umask(old)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    assert stat.S_IMODE(existing.stat().st_mode) == 0o600  # the incident is not left readable
    assert existing.read_text() == "new"
