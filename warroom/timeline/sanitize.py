"""Make an untrusted log line safe to show literally in a terminal.

Every Textual widget passes ESC and C1 bytes straight to the terminal, so a
log line could retitle the window, write the clipboard (OSC 52), plant a
hyperlink, or reorder what the reader sees (bidi overrides). ``sanitize`` is
applied once, where lines enter, and returns text that:

- was decoded from bytes as UTF-8 with U+FFFD for invalid bytes (never
  latin-1, which would turn byte 0x9B into a real CSI);
- has no ANSI/VT sequences: CSI (7-bit and C1), OSC (titles, hyperlinks,
  clipboard; BEL or ST terminated), DCS/SOS/PM/APC strings and two-character
  ESC sequences are removed; an unterminated string loses only its introducer,
  so its payload stays visible instead of hiding the rest of the line;
- shows other C0 controls and DEL as Unicode Control Pictures (BEL is "␇",
  NUL "␀", ESC "␛", DEL "␡"), one cell each;
- shows C1 controls, bidi embeddings/overrides/isolates/marks and other
  invisible format characters (zero-width space, soft hyphen, word joiner,
  tag characters, ...) as ``<U+XXXX>``; zero-width joiner/non-joiner stay, as
  emoji and several scripts need them; a byte-order mark at the start goes;
- has tabs expanded to 8-column stops, one trailing newline/CR removed, and
  is cut to ``max_len`` code points with a final "…" when longer.

Markup is NOT handled here: "[bold]" or "[@click=app.quit]" stays literally in
the result. The UI must show lines as ``Content``/``Text`` objects (or escape
them) and never as markup strings.

The same rules serve every other way stored text leaves for a terminal or a
file, so there is one definition of what is unsafe:

- ``sanitize(text, multiline=True)``: several lines for display (an artifact,
  a pinned stack trace), each line made safe as above, the line breaks kept;
- ``strip_controls``: for documents (exports), the sequences removed and every
  other control or invisible format character dropped, tab and newline kept;
- ``json_safe``: JSON printed or written (a bundle, ``--json``), where the
  same characters are written as ``\\uXXXX`` escapes: the same data, inert;
- ``drop_invisible``: for widgets that lay text out themselves (the editor's
  TextArea, an Input), only the characters that take no cell are dropped, so
  the cursor's columns stay true while nothing unsafe reaches the terminal.
"""

from __future__ import annotations

import re

__all__ = ["drop_invisible", "json_safe", "sanitize", "strip_controls"]

ELLIPSIS = "…"

# Control sequences. The 7-bit (ESC) and 8-bit (C1) forms are two regexes so that
# the common one starts with a literal, which the regex engine finds fast.
_ESC_SEQ = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"  # OSC, DCS, SOS, PM, APC: BEL/ST ended
    r"|[\]PX^_\[]"  # an unterminated introducer
    r"|[ -/]*[0-~])"  # two-character (and nF) escapes: ESC c, ESC 7, ESC ( B ...
)
_C1_SEQ = re.compile(
    r"\x9b[0-?]*[ -/]*[@-~]"
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
    r"|[\x90\x98\x9b\x9d\x9e\x9f]"
)
_C1_ANY = re.compile("[\x80-\x9f]")

# Invisible or reordering format characters (Unicode Cf, minus ZWJ/ZWNJ), line and
# paragraph separators, and lone surrogates (from surrogateescape'd input).
_FORMAT = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b\u200e\u200f"
    "\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f\ud800-\udfff"
)
_UNSAFE = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f{_FORMAT}]")


def _visible(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # Control Pictures: ␀ .. ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    return f"<U+{code:04X}>"


_VISIBLE: dict[str, str] = {}


def _show(match: re.Match[str]) -> str:
    char = match.group()
    shown = _VISIBLE.get(char)
    if shown is None:
        shown = _VISIBLE[char] = _visible(char)
    return shown


def _slow(text: str) -> str:
    """Everything but plain printable text: sequences, controls, tabs, format chars."""
    if text[:1] == "\ufeff":
        text = text[1:]
    if not text.isascii() and _C1_ANY.search(text):  # C1 first: ESC \\ may end its OSC
        text = _C1_SEQ.sub("", text)
    if "\x1b" in text:
        text = _ESC_SEQ.sub("", text)
    if "\t" in text:
        expanded = text.expandtabs(8)
        if expanded.isprintable():  # tabs were all there was (or left) to fix
            return expanded
    elif text.isprintable():
        return text
    text = _UNSAFE.sub(_show, text)
    # After the escaping, so tab stops match what is shown.
    return text.expandtabs(8) if "\t" in text else text


def sanitize(
    text: str | bytes, *, max_len: int | None = None, multiline: bool = False
) -> str:
    """Return ``text`` as safe, literal, single-line display text (see module doc).

    ``max_len`` counts code points of the result, the "…" included; wide
    characters may still take two cells each. ``multiline`` keeps the line
    breaks ("\n", "\r\n") and makes each line safe (``max_len`` then applies
    to each line).
    """
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", "replace")
    if multiline:
        if text.isprintable():
            return text
        return "\n".join(sanitize(line, max_len=max_len) for line in text.split("\n"))
    if text.endswith("\n"):
        text = text[:-2] if text.endswith("\r\n") else text[:-1]
    elif text.endswith("\r"):
        text = text[:-1]
    cut = False
    if max_len is not None:
        # Sanitising a megabyte to show a screenful would waste the hot path.
        budget = max_len * 4 + 256
        if len(text) > budget:
            text, cut = text[:budget], True
    if not text.isprintable():  # fast path: printable text (most lines) skips all this
        text = _slow(text)
    if max_len is not None and (cut or len(text) > max_len):
        text = text[: max(max_len - 1, 0)] + ELLIPSIS if max_len > 0 else ""
    return text


# Documents keep tab and newline; everything else that _UNSAFE names goes.
_DOC_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_FORMAT}]")
# Of those, the ones a terminal cell measure counts as taking a cell (rich: one).
_CELL_WIDE = {"\u00ad": "-"}


def _remove_sequences(text: str) -> str:
    if not text.isascii() and _C1_ANY.search(text):
        text = _C1_SEQ.sub("", text)
    return _ESC_SEQ.sub("", text) if "\x1b" in text else text


def strip_controls(text: str) -> str:
    """Text for a document (Markdown, HTML): no escape sequence, no control character.

    Sequences go whole (as on screen); other C0/C1 controls, DEL, bidi and
    invisible format characters are dropped; tab and newline stay, "\r\n"
    becomes "\n". Nothing is shown in their place: a document is not a
    terminal, and a marker would change what people copy out of it.
    """
    if text.isprintable():
        return text
    text = text.replace("\r\n", "\n")
    text = _remove_sequences(text)
    return _DOC_UNSAFE.sub(lambda m: "\ufffd" if "\ud800" <= m.group() <= "\udfff" else "", text)


def drop_invisible(text: str) -> str:
    """Drop the unsafe characters that take no cell (ESC, C1, BEL, bidi...), nothing else.

    For text a widget has already laid out by cells (the editor's lines): the
    columns stay where the widget computed them, and what would have reached
    the terminal as a control byte is simply not there. "\x1b[31m" shows as
    "[31m". The soft hyphen, which takes a cell, is shown as "-".
    """
    if text.isprintable():
        return text
    return _UNSAFE.sub(lambda m: _CELL_WIDE.get(m.group(), ""), text)


_JSON_RAW = re.compile(f"[\x7f-\x9f{_FORMAT}\U000e0000-\U000e007f]")


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # JSON spells an astral character as its UTF-16 surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def json_safe(document: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) that is inert in a terminal.

    json.dumps escapes C0 controls itself but writes DEL, C1 controls and bidi
    or invisible format characters raw; here they become ``\\uXXXX`` escapes,
    which read back as the very same strings. They only occur inside strings.
    """
    return document if document.isprintable() or not _JSON_RAW.search(document) else (
        _JSON_RAW.sub(_json_escape, document)
    )
