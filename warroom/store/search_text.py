"""Snippets and template masks for the history search: plain text, no SQL, no textual.

FTS5's highlight() marks matches with private-use characters; these helpers
turn that into spans, tell which spans sit in text a phase's template put
there, and cut one display line around the first match with « » marks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from warroom.store.search_syntax import MARK_CLOSE, MARK_OPEN

# What highlight() is asked to put around matches: private-use characters no one types.
HL_OPEN, HL_CLOSE = "\ue000", "\ue001"
_HL_SPLIT = re.compile(f"({HL_OPEN}|{HL_CLOSE})")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_PLACEHOLDER = re.compile(r"<[^>]*>")
_HAS_WORD = re.compile(r"[^\W_]")
SNIPPET_CHARS = 80
_LEAD = 24  # context kept before the first match


def split_marks(marked: str) -> tuple[str, set[tuple[int, int]]]:
    """Text from highlight() back to plain text plus the (start, end) of each match."""
    plain: list[str] = []
    spans: set[tuple[int, int]] = set()
    position, start = 0, None
    for part in _HL_SPLIT.split(marked or ""):
        if part == HL_OPEN:
            start = position
        elif part == HL_CLOSE:
            if start is not None and position > start:
                spans.add((start, position))
            start = None
        else:
            plain.append(part)
            position += len(part)
    return "".join(plain), spans


def _clean(text: str) -> str:
    """Snippet text: no control characters, no literal markers, no Markdown bold."""
    text = text.replace(MARK_OPEN, "‹").replace(MARK_CLOSE, "›").replace("**", "")
    return _UNPRINTABLE.sub(" ", text)


def snippet(plain: str, spans: Iterable[tuple[int, int]], width: int = SNIPPET_CHARS) -> str:
    """One line around the first match, matches between « and », cuts shown with …."""
    ordered = sorted(spans)
    if not ordered:
        return " ".join(_clean(plain[:width]).split())
    first, first_end = ordered[0]
    line_start = plain.rfind("\n", 0, first) + 1
    line_end = plain.find("\n", first_end)
    line_end = len(plain) if line_end < 0 else line_end
    start = max(line_start, min(first - _LEAD, line_end - width))  # use the room there is
    if start > line_start:  # begin at a word
        space = plain.find(" ", start, first)
        start = space + 1 if space >= 0 else start
    end = min(line_end, max(start + width, first_end))
    if end < line_end:  # end at a word
        space = plain.rfind(" ", first_end, end)
        end = space if space > first_end else end
    out, cursor = [], start
    for a, b in ordered:
        a, b = max(a, cursor), min(b, end)
        if a >= b:
            continue
        out += [_clean(plain[cursor:a]), MARK_OPEN, _clean(plain[a:b]), MARK_CLOSE]
        cursor = b
    out.append(_clean(plain[cursor:end]))
    text = " ".join("".join(out).split())
    head = "…" if plain[line_start:start].strip() else ""
    tail = "…" if plain[end:line_end].strip() else ""
    return f"{head}{text}{tail}"


@dataclass(frozen=True, slots=True)
class TemplateMask:
    """The text a phase's template brings, so that its words do not count as matches."""

    lines: frozenset[str]
    fragments: tuple[str, ...]

    @classmethod
    def of(cls, template: str) -> TemplateMask:
        """Whole template lines, and the labels around its <placeholders>."""
        lines = [line.strip() for line in template.splitlines()]
        fragments = {
            fragment.strip()
            for line in lines
            for fragment in _PLACEHOLDER.split(line)
            if _HAS_WORD.search(fragment)
        }
        return cls(frozenset(filter(None, lines)), tuple(sorted(fragments, key=len, reverse=True)))

    def covers(self, plain: str, span: tuple[int, int]) -> bool:
        """Whether a match lies in a template line, or in a template label on its line."""
        start, end = span
        line_start = plain.rfind("\n", 0, start) + 1
        line_end = plain.find("\n", start)
        line_end = len(plain) if line_end < 0 else line_end
        line = plain[line_start:line_end]
        if line.strip() in self.lines:
            return True
        for fragment in self.fragments:
            at = line.find(fragment)
            while at >= 0:
                if line_start + at <= start and end <= line_start + at + len(fragment):
                    return True
                at = line.find(fragment, at + 1)
        return False

    def genuine(self, plain: str, spans: Iterable[tuple[int, int]]) -> bool:
        """Whether any match lies outside the template's own text."""
        return any(not self.covers(plain, span) for span in spans)

    def keep(self, plain: str, spans: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
        return {span for span in spans if not self.covers(plain, span)}
