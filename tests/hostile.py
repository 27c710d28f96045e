"""One corpus of hostile strings for every surface, and the check that output is inert.

Each string aims at one thing a terminal would do if the bytes reached it:
retitle the window (OSC 0/2), write the clipboard (OSC 52), plant a link
(OSC 8), answer a query into the input (CSI 6n, DCS), reset it (ESC c), hide
text (PM/SOS/APC), reorder it (bidi overrides), or, for Textual, run an action
([@click=...]) or crash the markup parser (an unbalanced [/]).
"""

from __future__ import annotations

import re

HOSTILE: tuple[str, ...] = (
    "csi \x1b[31;1337mred\x1b[0m \x1b[6n \x1b[21t \x1b[2J cleared",
    "osc0 \x1b]0;PWNED-TITLE\x07 title",
    "osc2 \x1b]2;PWNED-TITLE\x1b\\ st-ended",
    "osc8 \x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\",
    "osc52 \x1b]52;c;cm0gLXJmIH4K\x07 clipboard",
    "dcs \x1bP+q544e\x1b\\ query",
    "sos \x1bX hidden \x1b\\ pm \x1b^ hidden \x1b\\ apc \x1b_ hidden \x1b\\ strings",
    "c1 \u009b31;1337m CSI \u009d0;PWNED-TITLE\u009c OSC \u0090dcs\u009c \u0085 NEL",
    "reset \x1bc full",
    "nul \x00 bel \x07 del \x7f",
    "bidi \u202eevil\u202c \u2066iso\u2069 \u200fmark",
    "[@click=app.quit]quit[/] markup",
    "unbalanced [/] close",
)

# Everything at once, short enough for a title (a bundle caps titles at 300 characters).
TITLE = (
    "Checkout \x1b]0;PWNED-TITLE\x07 \x1b]52;c;cm0gLXJmIH4K\x07 \x1b]8;;https://evil.example/"
    "\x1b\\link\x1b]8;;\x1b\\ \x1bP+q544e\x1b\\ \x1b_apc\x1b\\ \x1b[31;1337mred \x1b[6n "
    "\u009b31;1337m \u009d0;PWNED-TITLE\u009c \x1bc \x00 \x07 \u202eevil\u202c "
    "[@click=app.quit]quit[/] [/]"
)

_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
_BIDI_UTF8 = re.compile(
    "|".join(re.escape(c) for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
             "\u200e\u200f").encode()
)
_FORBIDDEN = (
    b"\x1b]0;", b"\x1b]2;", b"\x1b]52;", b"\x1b]8;;https://evil", b"\x1bP", b"\x1bX",
    b"\x1b^", b"\x1b_", b"\x1bc", b"\x1b[6n", b"\x1b[21t", b"\x1b[31;1337m", b"\x00", b"\x07",
    b"PWNED-TITLE\x07",
)


def leaks(output: str | bytes) -> list[str]:
    """What in `output` (bytes bound for a terminal) a hostile string managed to send.

    The terminal's own sequences (cursor moves, colours, the app's links) are
    fine; what must never appear is any of the corpus's sequences, a raw C1
    control, BEL, NUL or a bidi control.
    """
    data = output.encode("utf-8", "surrogateescape") if isinstance(output, str) else output
    found = [repr(p) for p in _FORBIDDEN if p in data]
    if _C1_UTF8.search(data):
        found.append("a C1 control")
    if _BIDI_UTF8.search(data):
        found.append("a bidi control")
    return found
