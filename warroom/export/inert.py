"""Markdown that stays text wherever it is rendered: no raw HTML, no dangerous link.

The post-mortem carries what others wrote (artifacts, notes, imported bundles),
and the Markdown file is opened in wikis, editors and Git hosts that render raw
HTML and follow any link. Outside code, every `<` becomes `&lt;` (no tag, no
comment, no autolink survives), a link or reference whose destination is not
http(s), mailto or an anchor loses its link syntax (`\\(` / `\\[`: it reads as
the same text), and images are shown as text (no request leaves the page).
Code blocks and code spans are left alone: they are literal already.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

_SAFE_DESTINATION = re.compile(r"\s*<?\s*(?:https?://|mailto:|#)", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(?<![`\\])(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_INLINE_LINK = re.compile(r"\]\(")
_REFERENCE = re.compile(r"^( {0,3})\[((?:[^\]\\]|\\.)+)\]:")


def safe_link(url: str) -> bool:
    """Whether a link may stay a link: http(s), mailto, or an anchor in the page."""
    return bool(_SAFE_DESTINATION.match(url))


def _text(part: str) -> str:
    """One stretch of inline text (no code span in it) made inert."""
    part = part.replace("![", "!\\[")  # images: the text stays, nothing is fetched
    out, last = [], 0
    for match in _INLINE_LINK.finditer(part):
        if not safe_link(part[match.end():]):
            out += [part[last:match.start()], "]\\("]
            last = match.end()
    out.append(part[last:])
    return "".join(out).replace("<", "&lt;")


def _line(line: str) -> str:
    reference = _REFERENCE.match(line)
    if reference and not safe_link(line[reference.end():]):
        line = f"{reference.group(1)}\\{line[len(reference.group(1)):]}"
    out, last = [], 0
    for match in _CODE_SPAN.finditer(line):
        out += [_text(line[last:match.start()]), match.group(0)]
        last = match.end()
    out.append(_text(line[last:]))
    return "".join(out)


def inert_markdown(markdown: str) -> str:
    """The same document, every line outside a code block made inert (see module doc)."""
    code_lines: set[int] = set()
    for token in MarkdownIt("commonmark").parse(markdown):
        if token.type in ("fence", "code_block") and token.map:
            code_lines.update(range(*token.map))
    return "\n".join(
        line if n in code_lines else _line(line)
        for n, line in enumerate(markdown.split("\n"))
    )
