"""Small helpers on the Markdown artifacts people edit: sections, list items, placeholders.

The Markdown stays the source of truth. These helpers read it without ever
raising on what a person typed, and write into it without touching any byte
they were not asked to change.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from warroom.core.vocabulary import Vocabulary, default_vocabulary

#: An artifact's field separator: an em dash with any spacing, a spaced en dash
#: or hyphen, a spaced "--", or "--" glued between words ("rollback--ok") but not
#: a command-line flag ("undo --to-revision") nor an arrow ("-->").
DASH = re.compile(r"[ \t]*—[ \t]*|[ \t]+(?:–|--?)[ \t]+|(?<=[^\s-])--(?=[^\s>-])")
#: "before → after" and "cause → effect", in the spellings people type.
ARROW = re.compile(r"[ \t]*(?:→|⟶|⇒|[-–—]+>|=>)[ \t]*")

_TIMESTAMP = re.compile(
    r"^(?P<ts>\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
    r"(?:\s*UTC)?|\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:UTC|Z))?)[\s,:]+(?P<rest>\S.*)$",
    re.IGNORECASE,
)
_SUBHEADING = re.compile(r"^ {0,3}#{3,6}[ \t]+(.*?)[ \t#]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_PLACEHOLDER = re.compile(r"<!--.*?-->|<[A-Za-z][^<>\n]*>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ELLIPSIS = re.compile(r"\.{3,}|…")
_ITEM = re.compile(
    r"^(?P<indent>[ \t]*)(?:(?P<bullet>[-*+])|(?P<num>\d{1,9})[.)])(?:[ \t]+|$)"
    r"(?:\[(?P<box>[ xX])\](?:[ \t]+|$))?(?P<text>.*)$"
)
_LABEL = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+)?(?:\*\*|__)?(?P<label>[A-Za-z][\w '/()-]*?)[ \t]*"
    r"(?:\*\*|__)?[ \t]*:[ \t]*(?:\*\*|__)?[ \t]*(?P<value>.*?)[ \t]*$"
)


@dataclass(frozen=True)
class Section:
    """One heading and the text under it, with offsets into the document."""

    heading: str
    level: int
    start: int
    body_start: int
    end: int
    body: str


@dataclass(frozen=True)
class ListItem:
    """One list entry; `line` is 1-based within the text it came from, for messages."""

    text: str
    line: int
    checked: bool | None
    ordered: bool
    indent: int


def _lines(text: str) -> Iterator[tuple[int, str, int]]:
    """Yield (start offset, line without its line ending, offset after the line ending)."""
    pos = 0
    for raw in text.split("\n"):
        after = min(pos + len(raw) + 1, len(text))
        yield pos, raw.rstrip("\r"), after
        pos += len(raw) + 1


def split_sections(text: str, level: int = 2) -> tuple[str, list[Section]]:
    """Split into the preamble and the sections headed at exactly `level` (`##` by default).

    Deeper headings stay inside their section; headings inside code fences are text.
    Concatenating the preamble and every section's heading line and body gives `text` back.
    """
    heading = re.compile(
        rf"^ {{0,3}}#{{{level}}}(?!#)(?:[ \t]+(?P<h>.*?))?(?:[ \t]+#+)?[ \t]*$"
    )
    found: list[tuple[int, int, str]] = []
    fence: str | None = None
    for start, line, after in _lines(text):
        if opened := _FENCE.match(line):
            if fence is None:
                fence = opened.group(1)
            elif opened.group(1) == fence:
                fence = None
            continue
        if fence is None and (match := heading.match(line)):
            found.append((start, after, (match.group("h") or "").strip()))
    sections = []
    for index, (start, body_start, title) in enumerate(found):
        end = found[index + 1][0] if index + 1 < len(found) else len(text)
        sections.append(Section(title, level, start, body_start, end, text[body_start:end]))
    preamble = text[: found[0][0]] if found else text
    return preamble, sections


def normalize_heading(heading: str) -> str:
    """Fold a heading for comparison: case, emphasis, dashes, curly quotes, spacing."""
    folded = heading.replace("’", "'").replace("‘", "'")
    folded = re.sub(r"[*_`]", "", folded)
    folded = re.sub(r"[-–—]", " ", folded)
    return re.sub(r"\s+", " ", folded).strip().rstrip(":").strip().casefold()


def find_section(text: str, heading: str, level: int = 2) -> Section | None:
    """Find a section by heading: an exact (folded) match first, else a heading it begins.

    "Quick Wins" finds "## Quick Wins (do this week)". The first match wins.
    """
    sections = split_sections(text, level)[1]
    for exact in (True, False):
        for section in sections:
            if heading_matches(section.heading, heading, exact=exact):
                return section
    return None


def heading_matches(have: str, wanted: str, *, exact: bool = False) -> bool:
    """Whether heading `have` is `wanted` (folded), or, unless `exact`, begins with it."""
    have, wanted = normalize_heading(have), normalize_heading(wanted)
    if not wanted or not have.startswith(wanted):
        return False
    return len(have) == len(wanted) or (not exact and not have[len(wanted)].isalnum())


def get_section(text: str, heading: str, level: int = 2) -> str | None:
    """Return a section's body (everything up to the next heading of its level), or None."""
    section = find_section(text, heading, level)
    return None if section is None else section.body


def replace_section(text: str, heading: str, body: str, level: int = 2) -> str:
    """Replace one section's body, leaving every other byte of `text` as it was.

    Blank lines around the old body and the document's line endings (LF or CRLF)
    are kept. A missing section is appended at the end, so inserting the incident
    timeline never fails because someone deleted the heading.
    """
    nl = "\r\n" if "\r\n" in text else "\n"
    new = nl.join(body.replace("\r\n", "\n").strip("\n").rstrip().split("\n"))
    section = find_section(text, heading, level)
    if section is None:
        out = text
        if out and not out.endswith("\n"):
            out += nl
        if out and not out.endswith(("\n\n", "\n\r\n")):
            out += nl
        return f"{out}{'#' * level} {heading}{nl}{new}{nl if new else ''}"
    old = section.body
    content = old.rstrip(" \t\r\n")
    tail = old[len(content) :]
    lead = content[: len(content) - len(content.lstrip("\r\n"))]
    if new and "\n" not in tail:
        tail = nl if section.end < len(text) or text.endswith("\n") else tail
    before = text[: section.body_start]
    if new and not before.endswith("\n"):
        before += nl
    return before + (lead + new + tail if new else tail) + text[section.end :]


def list_items(body: str) -> list[ListItem]:
    """The list entries of a body (`- `, `* `, `+ `, `1. `, `- [ ] `, `- [x] `).

    An indented or directly following line that is not an entry continues the
    previous one; prose after a blank line ends the list and is ignored.
    """
    items: list[ListItem] = []
    joinable = gap = False
    fence: str | None = None
    for number, (_, line, _) in enumerate(_lines(body), start=1):
        if opened := _FENCE.match(line):
            if fence is None:
                fence = opened.group(1)
            elif opened.group(1) == fence:
                fence = None
            joinable = False
        elif fence is not None:
            continue
        elif match := _ITEM.match(line):
            box = match.group("box")
            indent = len(match.group("indent").expandtabs(4))
            text = match.group("text").strip()
            checked = None if box is None else box in "xX"
            items.append(ListItem(text, number, checked, bool(match["num"]), indent))
            joinable, gap = True, False
        elif not line.strip():
            gap = True
        elif joinable and (line[:1] in " \t" or not gap):
            last = items[-1]
            items[-1] = replace(last, text=f"{last.text} {line.strip()}".strip())
        else:
            joinable = False
    return items


def find_placeholders(text: str) -> list[str]:
    """The template placeholders still in `text`, like `<scope>` or `<Critical / Major / Minor>`."""
    return [token for token in _PLACEHOLDER.findall(text) if not token.startswith("<!--")]


def is_placeholder(text: str) -> bool:
    """True when `text` holds nothing a person wrote: blank, `<...>` placeholders, `...`.

    Punctuation, list markers and checkboxes left around placeholders do not count
    as content, so `- [ ] <Action> — @<owner>` is still unfilled.
    """
    rest = _ELLIPSIS.sub("", _PLACEHOLDER.sub("", text))
    return re.search(r"\w", rest) is None


def strip_marker(line: str) -> str:
    """A line without its list marker and checkbox, stripped."""
    match = _ITEM.match(line)
    return (match.group("text") if match else line).strip()


def clean_text(body: str) -> str:
    """A section's prose with comments and unfilled lines dropped; "" when nothing is filled."""
    kept = []
    for _, line, _ in _lines(_COMMENT.sub("", body)):
        if not line.strip():
            kept.append("")
        elif not is_placeholder(strip_marker(line)):
            kept.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")


def labelled_values(body: str) -> dict[str, str]:
    """Read `- **Label:** value` lines into {folded label: value}.

    A label with no value on its line takes the list entries that follow it,
    joined with ", " (people list services as sub-bullets).
    """
    values: dict[str, str] = {}
    current: str | None = None
    for _, line, _ in _lines(_COMMENT.sub("", body)):
        match = _LABEL.match(line)
        if match and not (current and line[:1] in " \t" and _ITEM.match(line)):
            current = normalize_heading(match.group("label"))
            values.setdefault(current, match.group("value"))
        elif (
            current
            and (line[:1] in " \t" or not values[current].strip())
            and not is_placeholder(text := strip_marker(line))
        ):
            joined = values[current]
            values[current] = f"{joined}, {text}" if joined.strip() else text
    return values


def split_dash(text: str, maxsplit: int = 0) -> list[str]:
    """Split an entry on the artifact's dash separator (see `DASH`), parts stripped."""
    return [part.strip() for part in DASH.split(text, maxsplit=maxsplit)]


def rsplit_dash(text: str) -> tuple[str, str | None]:
    """Split off the last dash-separated part: ("a — b", "c") for "a — b — c"."""
    matches = list(DASH.finditer(text))
    if not matches:
        return text.strip(), None
    last = matches[-1]
    return text[: last.start()].strip(), text[last.end() :].strip()


def split_timestamp(text: str) -> tuple[str, str | None]:
    """Split "<timestamp> — <rest>", also "14:02 rest" written without a dash."""
    parts = split_dash(text, 1)
    if len(parts) == 2:
        return parts[0], parts[1]
    match = _TIMESTAMP.match(text)
    return (match["ts"], match["rest"]) if match else ("", None)


class SectionReader:
    """Reads one artifact's sections and notes each problem in words a responder can act on."""

    def __init__(
        self, markdown: str, subsections: tuple[str, ...] = (),
        vocabulary: Vocabulary | None = None,
    ) -> None:
        """`subsections` are the artifact's `###` fields: one never runs into the next."""
        self.vocabulary = vocabulary or default_vocabulary()
        text = markdown.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        self.text = text.replace("\u00a0", " ")
        self.subsections = subsections
        self.problems: list[str] = []

    def body(self, heading: str) -> str | None:
        """A `##` section, or a `###` one inside any section (INC-3's Message holds those)."""
        found = get_section(self.text, heading)
        if found is None:
            preamble, sections = split_sections(self.text)
            for scope in (preamble, *(section.body for section in sections)):
                if (found := get_section(scope, heading, 3)) is not None:
                    break
        if found is None:
            self.problems.append(f"{heading}: section missing")
            return None
        others = [s for s in self.subsections if not heading_matches(s, heading, exact=True)]
        for start, line, _ in _lines(found):
            sub = _SUBHEADING.match(line)
            if sub and any(heading_matches(sub.group(1), other) for other in others):
                return found[:start]
        return found

    def unfilled(self, label: str, body: str) -> None:
        """Note why a field reads as empty: untouched template, or blank."""
        placeholder = find_placeholders(body) or "..." in body
        why = "still the template placeholder" if placeholder else "empty"
        self.problems.append(f"{label}: {why}")

    def text_of(self, heading: str) -> str | None:
        body = self.body(heading)
        value = clean_text(body) if body is not None else ""
        if body is not None and not value:
            self.unfilled(heading, body)
        return value or None

    def items(self, heading: str) -> list[ListItem]:
        """Filled list entries; lines written without a list marker count as entries too."""
        body = self.body(heading)
        if body is None:
            return []
        items = [item for item in list_items(body) if not is_placeholder(item.text)]
        if not items:
            lines = enumerate(body.split("\n"), start=1)
            items = [ListItem(t.strip(), n, None, False, 0) for n, t in lines
                     if not _ITEM.match(t) and not t.lstrip().startswith("#")
                     and not is_placeholder(t)]
        if not items:
            self.unfilled(heading, body)
        return items

    def choice(self, heading: str, choice: str) -> Any:
        """A section read as one of the vocabulary's options for `choice` (see `pick`)."""
        value = self.text_of(heading)
        return None if value is None else self.pick(heading, value, choice)

    def pick(self, label: str, value: str, choice: str) -> Any:
        """Map free text onto one option of a vocabulary choice; why not, into problems."""
        flat = " ".join(strip_marker(line) for line in value.split("\n"))
        option, why = self.vocabulary.read_choice(choice, flat)
        if why:
            flat = re.sub(r"\s+", " ", flat).strip()
            quoted = repr(flat if len(flat) <= 60 else flat[:59] + "…")
            self.problems.append(f"{label}: {quoted} {why}")
        return option

    def part(self, label: str, line: int, what: str, text: str | None) -> str | None:
        """One field of a list entry; a missing or placeholder field is noted and read as None."""
        if text is None or is_placeholder(text):
            self.problems.append(f"{label}: line {line} has no {what}")
            return None
        return text
