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
"""

from __future__ import annotations

import re

__all__ = ["sanitize"]

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


def sanitize(text: str | bytes, *, max_len: int | None = None) -> str:
    """Return ``text`` as safe, literal, single-line display text (see module doc).

    ``max_len`` counts code points of the result, the "…" included; wide
    characters may still take two cells each.
    """
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", "replace")
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
