"""Markdown helpers: sections, list items, placeholders, and byte-exact section replacement."""

from __future__ import annotations

import pytest

from warroom.core.markdown import (
    SectionReader,
    clean_text,
    find_placeholders,
    find_section,
    get_section,
    is_placeholder,
    labelled_values,
    list_items,
    replace_section,
    rsplit_dash,
    split_dash,
    split_sections,
    split_timestamp,
)
from warroom.resources import data_dir

DOC = """# [INC-6]: Action Item Tracker

Some preamble text.

## Quick Wins (do this week)
- [ ] Add pool alert — @alice

### Notes under quick wins
kept inside

## Short-Term (do this sprint/cycle)
- [x] Load test — @bob

## Post-Mortem Document
docs/pm/42.md
"""


def test_split_sections_orders_sections_and_keeps_subsections_inside() -> None:
    preamble, sections = split_sections(DOC)
    assert preamble == "# [INC-6]: Action Item Tracker\n\nSome preamble text.\n\n"
    assert [s.heading for s in sections] == [
        "Quick Wins (do this week)",
        "Short-Term (do this sprint/cycle)",
        "Post-Mortem Document",
    ]
    assert "### Notes under quick wins\nkept inside" in sections[0].body
    assert sections[2].body == "docs/pm/42.md\n"


def test_split_sections_reassembles_to_the_exact_text() -> None:
    text = DOC.replace("\n", "\r\n") + "trailing without newline"
    preamble, sections = split_sections(text)
    assert preamble + "".join(text[s.start : s.end] for s in sections) == text
    assert [s.heading for s in sections][0] == "Quick Wins (do this week)"


def test_split_sections_without_headings_is_all_preamble() -> None:
    assert split_sections("just prose\n") == ("just prose\n", [])
    assert split_sections("") == ("", [])


def test_headings_inside_code_fences_are_text() -> None:
    text = "## Real\n```\n## Not a heading\n```\n## Second\nx\n"
    assert [s.heading for s in split_sections(text)[1]] == ["Real", "Second"]
    assert "## Not a heading" in (get_section(text, "Real") or "")


def test_heading_variants_tabs_closing_hashes_and_level_three() -> None:
    text = "##\tSeverity ##\nMajor\n### Sub\ninner\n"
    assert get_section(text, "severity") == "Major\n### Sub\ninner\n"
    assert get_section(text, "Sub", level=3) == "inner\n"
    assert get_section(text, "Sub") is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Quick Wins", "- [ ] Add pool alert — @alice"),
        ("quick wins", "- [ ] Add pool alert — @alice"),
        ("  QUICK   wins  ", "- [ ] Add pool alert — @alice"),
        ("Quick Wins (do this week)", "- [ ] Add pool alert — @alice"),
        ("Short Term", "- [x] Load test — @bob"),
        ("post-mortem document:", "docs/pm/42.md"),
    ],
)
def test_get_section_is_case_space_and_prefix_tolerant(query: str, expected: str) -> None:
    body = get_section(DOC, query)
    assert body is not None
    assert body.strip().startswith(expected)


def test_get_section_prefix_must_end_at_a_word_boundary() -> None:
    assert get_section(DOC, "Quic") is None
    assert get_section(DOC, "Long-Term") is None
    assert get_section(DOC, "") is None


def test_exact_heading_wins_over_prefix_match() -> None:
    text = "## Timeline notes\nA\n## Timeline\nB\n"
    assert get_section(text, "Timeline") == "B\n"


def test_find_section_handles_curly_apostrophe_and_emphasis() -> None:
    text = "### What We’re **Doing**\nnext steps\n"
    section = find_section(text, "What We're Doing", level=3)
    assert section is not None
    assert section.body == "next steps\n"


TEMPLATE_INC1 = (data_dir("templates") / "incident-response" / "INC-1.md").read_text()


def test_replace_section_keeps_everything_else_byte_identical() -> None:
    new = replace_section(TEMPLATE_INC1, "Timeline", "- 14:02 — alert\n- 14:05 — page\n")
    section = find_section(TEMPLATE_INC1, "Timeline")
    assert section is not None
    assert new.startswith(TEMPLATE_INC1[: section.body_start])
    assert new.endswith(TEMPLATE_INC1[section.end :])
    assert get_section(new, "Timeline") == "- 14:02 — alert\n- 14:05 — page\n\n"


def test_replace_section_keeps_crlf_line_endings() -> None:
    text = TEMPLATE_INC1.replace("\n", "\r\n")
    new = replace_section(text, "timeline", "- 14:02 — alert\n- 14:05 — page")
    assert "## Timeline\r\n- 14:02 — alert\r\n- 14:05 — page\r\n\r\n## Initial" in new
    assert "\n" not in new.replace("\r\n", "")
    assert new.endswith(text[text.index("## Initial Hypothesis") :])


def test_replace_last_section_and_heading_at_end_of_file() -> None:
    assert replace_section("# T\n\n## Notes\nold", "Notes", "new\n") == "# T\n\n## Notes\nnew"
    assert replace_section("## Notes\nold\n", "Notes", "new") == "## Notes\nnew\n"
    assert replace_section("## Notes", "Notes", "new") == "## Notes\nnew"
    expected = "## Notes\nnew\n## Next\nx\n"
    assert replace_section("## Notes\n## Next\nx\n", "Notes", "new") == expected


def test_replace_section_keeps_leading_blank_line_and_can_empty_a_body() -> None:
    text = "## A\n\nold\n\n## B\nb\n"
    assert replace_section(text, "A", "new") == "## A\n\nnew\n\n## B\nb\n"
    assert replace_section(text, "A", "") == "## A\n\n\n## B\nb\n"


def test_replace_missing_section_appends_it() -> None:
    assert replace_section("## A\na", "Timeline", "- x") == "## A\na\n\n## Timeline\n- x\n"
    assert replace_section("## A\na\n\n", "Timeline", "- x") == "## A\na\n\n## Timeline\n- x\n"
    assert replace_section("", "Timeline", "- x") == "## Timeline\n- x\n"


def test_replace_level_three_section() -> None:
    text = "### Next Update\nsoon\n\n### Other\nx\n"
    assert replace_section(text, "Next Update", "15:00 UTC", level=3) == (
        "### Next Update\n15:00 UTC\n\n### Other\nx\n"
    )


def test_list_items_reads_every_marker_kind() -> None:
    body = "- dash\n* star\n+ plus\n1. one\n2) two\n- [ ] open\n- [x] done\n- [X] DONE\n"
    items = list_items(body)
    assert [i.text for i in items] == ["dash", "star", "plus", "one", "two", "open", "done", "DONE"]
    assert [i.checked for i in items] == [None, None, None, None, None, False, True, True]
    assert [i.ordered for i in items] == [False, False, False, True, True, False, False, False]
    assert [i.line for i in items] == [1, 2, 3, 4, 5, 6, 7, 8]


def test_list_items_continuations_nesting_and_prose() -> None:
    body = "intro prose\n- first\n  continued here\n\t- nested\n-\ttabbed  \n\nclosing prose\n"
    items = list_items(body)
    assert [(i.text, i.line, i.indent) for i in items] == [
        ("first continued here", 2, 0),
        ("nested", 4, 4),
        ("tabbed", 5, 0),
    ]


def test_list_items_ignores_code_fences_and_plain_numbers() -> None:
    body = "```\n- not an item\n```\n- real\n2024 was a year\n"
    assert [i.text for i in list_items(body)] == ["real 2024 was a year"]


@pytest.mark.parametrize(
    "text",
    [
        "<Critical / Major / Minor>",
        "<scope>",
        "...",
        "  …  ",
        "",
        "   \n",
        "- [ ] <Action> — @<owner>",
        "<timestamp> — <event>",
        "<!-- write here -->",
    ],
)
def test_unfilled_text_is_placeholder(text: str) -> None:
    assert is_placeholder(text)


@pytest.mark.parametrize(
    "text",
    ["Major", "None", "p99 <200ms", "[P0] <Action> — <owner>", "waited... then", "0"],
)
def test_filled_text_is_not_placeholder(text: str) -> None:
    assert not is_placeholder(text)


def test_find_placeholders_lists_template_tokens_only() -> None:
    text = "- **Users affected:** <scope>, latency <200ms <!-- note -->"
    assert find_placeholders(text) == ["<scope>"]


def test_clean_text_drops_placeholder_lines_and_comments() -> None:
    body = "<Best current understanding>\nPool exhausted.  \n\n<!-- hint -->\nSecond para.\n...\n\n"
    assert clean_text(body) == "Pool exhausted.\n\nSecond para."
    assert clean_text("<x>\n...\n") == ""


def test_labelled_values_reads_bold_plain_and_sub_bullets() -> None:
    body = (
        "- **Users affected:** EU checkout users\n"
        "- **Services affected**: \n"
        "  - checkout-api\n"
        "  - payments\n"
        "Data impact: none\n"
        "- a stray note\n"
    )
    assert labelled_values(body) == {
        "users affected": "EU checkout users",
        "services affected": "checkout-api, payments",
        "data impact": "none",
    }


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("a — b — c", ["a", "b", "c"]),
        ("a—b", ["a", "b"]),
        ("a – b", ["a", "b"]),
        ("a - b", ["a", "b"]),
        ("a -- b", ["a", "b"]),
        ("rollback--ok", ["rollback", "ok"]),
        ("a\t—\tb", ["a", "b"]),
        ("kubectl rollout undo --to-revision=3", ["kubectl rollout undo --to-revision=3"]),
        ("2024-05-01T14:02Z pool-size 10->50", ["2024-05-01T14:02Z pool-size 10->50"]),
    ],
)
def test_split_dash_variants(text: str, parts: list[str]) -> None:
    assert split_dash(text) == parts


def test_rsplit_dash_takes_the_last_part() -> None:
    assert rsplit_dash("a — b — c") == ("a — b", "c")
    assert rsplit_dash("no separator") == ("no separator", None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:02 — alert fired", ("14:02", "alert fired")),
        ("2024-05-01T14:02:11Z — deploy — git", ("2024-05-01T14:02:11Z", "deploy — git")),
        ("14:02 alert fired", ("14:02", "alert fired")),
        ("14:02:30 UTC: alert fired", ("14:02:30 UTC", "alert fired")),
        ("alert fired at some point", ("", None)),
    ],
)
def test_split_timestamp(text: str, expected: tuple[str, str | None]) -> None:
    assert split_timestamp(text) == expected


def test_section_reader_notes_missing_placeholder_and_empty_sections() -> None:
    reader = SectionReader("\ufeff## Filled\r\nyes\r\n## Todo\r\n<fill me>\r\n## Blank\r\n\r\n")
    assert reader.text_of("Filled") == "yes"
    assert reader.text_of("Todo") is None
    assert reader.text_of("Blank") is None
    assert reader.text_of("Gone") is None
    assert reader.problems == [
        "Todo: still the template placeholder",
        "Blank: empty",
        "Gone: section missing",
    ]


def test_section_reader_finds_level_three_inside_a_section() -> None:
    reader = SectionReader("## Message\n\n### Next Update\nin 30 minutes\n\n## After\nx\n")
    assert reader.text_of("Next Update") == "in 30 minutes"
    assert reader.problems == []


def test_section_reader_pick_reports_ambiguity_and_unknown_values() -> None:
    reader = SectionReader("")
    assert reader.pick("Status", "**Resolved** — at 15:00 (was ongoing)", "status") == "Resolved"
    assert reader.pick("Status", "Ongoing / Resolved", "status") is None
    assert reader.pick("Status", "who knows", "status") is None
    assert reader.pick("Status", "Not resolved yet", "status") is None
    assert reader.problems == [
        "Status: 'Ongoing / Resolved' names Ongoing and Resolved; keep one",
        "Status: 'who knows' is not one of Ongoing / Mitigated / Resolved",
        "Status: 'Not resolved yet' reads \"resolved\" with \"Not\": that is not Resolved; "
        "write one of Ongoing / Mitigated / Resolved",
    ]


def test_section_reader_items_accept_lines_without_markers() -> None:
    reader = SectionReader("## Actions\nRoll back v2.3\nScale the pool\n\n## Other\n- <x>\n")
    assert [(i.text, i.line) for i in reader.items("Actions")] == [
        ("Roll back v2.3", 1),
        ("Scale the pool", 2),
    ]
    assert reader.items("Other") == []
    assert reader.problems == ["Other: still the template placeholder"]
