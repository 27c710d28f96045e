"""Untrusted log lines become safe, literal, single-line display text."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console
from rich.text import Text

from warroom.timeline.sanitize import sanitize

C1 = re.compile("[\x80-\x9f]")
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad\U000e0000-\U000e007f]")

HOSTILE: list[str | bytes] = [
    "\x1b[31mred\x1b[0m text",
    "\x1b[2J\x1b[H\x1b[?1049h cleared",
    "\x1b[38;2;255;0;0mtruecolour\x1b[m",
    "\x1b]0;pwned title\x07after",
    "\x1b]2;title with ST\x1b\\after",
    "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\",
    "\x1b]52;c;cm0gLXJmIH4K\x07clipboard",
    "\x1bP+q544e\x1b\\dcs",
    "\x1bX sos \x1b\\ \x1b^ pm \x1b\\ \x1b_ apc \x1b\\ strings",
    "\x1bc\x1b7\x1b8\x1b(0\x1b#8\x1b=\x1b> two-char",
    "unterminated osc \x1b]0;title never ends",
    "unterminated csi \x1b[12",
    "lone escape at end \x1b",
    "\u009b31mC1 CSI\u009b0m and \u009d0;t\u009c OSC and \u0090dcs\u009c and \u0085 NEL",
    b"raw 0x9b byte \x9b31m stays harmless",
    b"utf8 encoded C1 \xc2\x9b31m CSI",
    b"invalid utf8 \xff\xfe\xc3\x28 \xe2\x82",
    "NUL\x00 BEL\x07 BS\x08 VT\x0b FF\x0c CR\r mid DEL\x7f",
    "bidi \u202eevil\u202c \u2066iso\u2069 \u200fmark",
    "zero\u200bwidth word\u2060joiner \ufeffbom soft\u00adhyphen tag\U000e0041",
    "[bold]x[/]",
    "[@click=app.quit]quit[/] and [/] unbalanced [red",
]


@pytest.mark.parametrize("raw", HOSTILE)
def test_nothing_dangerous_survives(raw: str | bytes) -> None:
    out = sanitize(raw)
    assert "\x1b" not in out
    assert not C1.search(out)
    assert not BIDI.search(out)
    assert not INVISIBLE.search(out)
    assert "\n" not in out
    assert "\r" not in out
    assert all(ch == " " or ch.isprintable() for ch in out)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b[31mred\x1b[0m text", "red text"),
        ("\x1b]0;pwned title\x07after", "after"),
        ("\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\", "click me"),
        ("\x1b]52;c;cm0gLXJmIH4K\x07clipboard", "clipboard"),
        ("\x1bP+q544e\x1b\\dcs", "dcs"),
        ("\x1bc\x1b7 two-char", " two-char"),
        ("\u009b31mC1", "C1"),
        ("\u009d0;title\x1b\\after", "after"),  # C1 OSC ended by a 7-bit ST
        ("\x1b]0;title\u009cafter", "after"),  # 7-bit OSC ended by a C1 ST
        ("unterminated osc \x1b]0;title", "unterminated osc 0;title"),
        ("unterminated csi \x1b[12", "unterminated csi 12"),
        ("end \x1b", "end ␛"),
        ("NUL\x00BEL\x07DEL\x7f", "NUL␀BEL␇DEL␡"),
        ("a\rb", "a␍b"),
        ("bidi \u202eevil\u202c", "bidi <U+202E>evil<U+202C>"),
        ("stray C1 \u0085", "stray C1 <U+0085>"),
        ("\ufeffbom at start", "bom at start"),
        ("zwj 👩\u200d💻 kept", "zwj 👩\u200d💻 kept"),
        ("lone surrogate \udcff", "lone surrogate \ufffd"),
        ("line\u2028separator", "line<U+2028>separator"),
    ],
)
def test_what_is_shown(raw: str, expected: str) -> None:
    assert sanitize(raw) == expected


def test_bytes_are_utf8_with_replacement_never_latin1() -> None:
    # Decoded as latin-1, 0x9B would be U+009B: a real CSI on an 8-bit terminal.
    assert sanitize(b"a\x9b31mb") == "a\ufffd31mb"
    assert sanitize(b"caf\xc3\xa9 \xff") == "café \ufffd"
    assert sanitize(bytearray(b"ok\n")) == "ok"


def test_markup_is_kept_literally() -> None:
    for raw in ["[bold]x[/]", "[@click=app.quit]quit[/]", "[/]", "[red"]:
        assert sanitize(raw) == raw


def test_rendered_output_carries_no_control_bytes() -> None:
    """What reaches the terminal when the UI shows the line as a Text object."""
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, color_system=None, width=200)
    for raw in HOSTILE:
        console.print(Text(sanitize(raw)), markup=False, highlight=False)
    written = buf.getvalue()
    assert "\x1b" not in written
    assert not C1.search(written)
    assert "[@click=app.quit]quit[/]" in written


def test_tabs_expand_after_escaping() -> None:
    assert sanitize("a\tb") == "a       b"
    assert sanitize("\x07\tx") == "␇       x"
    assert sanitize("\x1b[1m\tx") == "        x"  # the removed sequence takes no column


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("line\n", "line"),
        ("line\r\n", "line"),
        ("line\r", "line"),
        ("line\n\n", "line␊"),
        ("", ""),
        ("\n", ""),
    ],
)
def test_one_trailing_newline_goes(raw: str, expected: str) -> None:
    assert sanitize(raw) == expected


def test_long_lines_are_cut_with_a_marker() -> None:
    assert sanitize("x" * 10, max_len=10) == "x" * 10
    assert sanitize("x" * 11, max_len=10) == "x" * 9 + "…"
    assert sanitize("x" * 11, max_len=0) == ""
    huge = "\x1b[31m" + "é" * 2_000_000 + "\x07"
    out = sanitize(huge, max_len=80)
    assert len(out) == 80
    assert out.endswith("…")
    assert "\x1b" not in out
    # A huge line pre-cut for speed still says it was cut, even if escapes shrank it.
    out = sanitize("\x1b[0m" * 100_000 + "tail", max_len=50)
    assert out.endswith("…")
    assert "\x1b" not in out


def test_plain_text_is_unchanged() -> None:
    for raw in ["2024-01-15 10:00:00 INFO ok", "日本語のログ", "naïve café", ""]:
        assert sanitize(raw) == raw


# -- the other surfaces: several lines, documents, widgets that lay text out, JSON --------


def test_multiline_keeps_the_breaks_and_makes_each_line_safe() -> None:
    from tests.hostile import HOSTILE, leaks

    text = "\n".join(HOSTILE)
    out = sanitize(text, multiline=True)
    assert out.count("\n") == text.count("\n")
    assert not leaks(out.encode())
    assert sanitize("plain\nlines\r\nkept", multiline=True) == "plain\nlines\nkept"


def test_documents_drop_controls_but_keep_tab_and_newline() -> None:
    from tests.hostile import HOSTILE, leaks
    from warroom.timeline.sanitize import strip_controls

    out = strip_controls("\n".join(HOSTILE) + "\ttab\r\nend")
    assert not leaks(out.encode())
    assert "\ttab\nend" in out
    assert all(ch in "\t\n" or ch.isprintable() for ch in out)
    assert strip_controls("osc52 \x1b]52;c;cm0g\x07 clipboard") == "osc52  clipboard"


def test_drop_invisible_keeps_every_cell_where_it_was() -> None:
    """The editor's columns come from the text as stored; the drawn line must match them."""
    from rich.cells import cell_len

    from tests.hostile import HOSTILE, leaks
    from warroom.timeline.sanitize import drop_invisible

    for raw in [*HOSTILE, "soft\u00adhyphen"]:
        out = drop_invisible(raw)
        assert cell_len(out) == cell_len(raw), raw
        assert not leaks(out.encode()), raw


def test_json_safe_is_the_same_data_and_inert() -> None:
    import json

    from tests.hostile import HOSTILE, leaks
    from warroom.timeline.sanitize import json_safe

    data = {"lines": list(HOSTILE), "tag": "\U000e0041"}
    text = json_safe(json.dumps(data, ensure_ascii=False, indent=2))
    assert json.loads(text) == data
    assert not leaks(text.encode())
