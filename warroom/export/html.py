"""Markdown to one standalone HTML page: readable offline, from a jump host, in any browser.

Artifact and log text is untrusted, so the converter runs with raw HTML off
(every `<` in the source becomes `&lt;`), images off (no request leaves the
page), and the page carries a Content-Security-Policy that allows no script
and no external load at all, in case anything slipped through. markdown-it-py
is already here as Rich's Markdown parser; links other than http(s), mailto and
anchors stay text (markdown-it alone would allow ftp:, ssh: and the like).
"""

from __future__ import annotations

from html import escape

from markdown_it import MarkdownIt

from warroom.export.inert import safe_link

_CSS = """
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #ffffff; --muted: #59636e;
  --rule: #d1d9e0; --code: #f6f8fa; --flag: #9a6700; --flagbg: #fff8c5; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117;
  --muted: #9198a1; --rule: #3d444d; --code: #151b23; --flag: #d29922; --flagbg: #2e2409; } }
body { font: 15px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg);
  background: var(--bg); max-width: 60rem; margin: 2rem auto; padding: 0 1.25rem; }
h1 { font-size: 1.8rem; border-bottom: 2px solid var(--rule); padding-bottom: .3rem; }
h2 { font-size: 1.35rem; border-bottom: 1px solid var(--rule); padding-bottom: .2rem;
  margin-top: 2.2rem; }
h3, h4 { font-size: 1.1rem; margin-top: 1.4rem; }
code, pre { font: 13px/1.45 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  background: var(--code); border-radius: 4px; }
code { padding: .1rem .3rem; overflow-wrap: anywhere; }
pre { padding: .75rem 1rem; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
pre code { padding: 0; background: none; }
blockquote { margin: .8rem 0; padding: .5rem .9rem; border-left: 4px solid var(--flag);
  background: var(--flagbg); }
blockquote p { margin: .2rem 0; }
table { border-collapse: collapse; width: 100%; margin: .8rem 0; }
th, td { border: 1px solid var(--rule); padding: .35rem .55rem; text-align: left;
  vertical-align: top; }
th { background: var(--code); }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; } }
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def _parser() -> MarkdownIt:
    parser = (
        MarkdownIt("commonmark", {"html": False, "typographer": False})
        .enable(["table", "strikethrough"])
        .disable("image")
    )
    parser.validateLink = safe_link  # http(s), mailto, anchors; not ftp:, ssh:, data:...
    return parser


def markdown_to_html(markdown: str, *, title: str) -> str:
    """A complete HTML document: inline CSS, no script, no external asset, all text escaped."""
    return standalone_page(_parser().render(markdown), title=title)


def standalone_page(body: str, *, title: str, extra_css: str = "") -> str:
    """`body` (HTML the caller escaped) in a page with the export's CSS and CSP."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}{extra_css}</style>\n</head>\n<body>\n"
        f"<main>\n{body}</main>\n<footer>Exported by warroom.</footer>\n</body>\n</html>\n"
    )
