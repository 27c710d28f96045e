"""Secret redaction for everything that leaves the database (post-mortems, bundles).

Pinned log lines and pasted artifacts carry whatever the broken system printed:
tokens, keys, connection strings. Exports are shared far wider than the war
room, so secrets are replaced by `[REDACTED:<kind>]` unless the user says not to.

The patterns are deliberately anchored on a recognisable shape (a vendor prefix,
a `key=` context, a header name) so that ordinary log text (UUIDs, hashes, ids,
"password reset requested") goes through untouched. Specific kinds run before
generic ones, and a redacted marker never matches again: redaction is idempotent.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

MARKER = "[REDACTED:{kind}]"
_NOT_REDACTED = r"(?!\[REDACTED:)"
# A value in key=value context: quoted (with escapes) or a bare run up to a delimiter.
_VALUE = r"""(?:"(?P<dq>(?:[^"\\\n]|\\.)+)"|'(?P<sq>[^'\n]+)'|(?P<bare>[^\s"'&,;<>)\]}]+))"""


@dataclass(frozen=True, slots=True)
class Rule:
    """One kind of secret: a regex, and which group holds the secret (0: the whole match)."""

    kind: str
    pattern: re.Pattern[str]
    group: int | str = 0


def _rule(kind: str, regex: str, group: int | str = 0, flags: int = 0) -> Rule:
    return Rule(kind, re.compile(regex, flags), group)


def _assignment(kind: str, names: str) -> Rule:
    """`name=value`, `"name": "value"`, `name: s3cr3t`; only the value goes.

    After a bare `name:` the value must be quoted or hold a digit or symbol, so
    prose such as "failed to fetch token: connection refused" stays readable.
    """
    separator = (
        r"""(?:["']?[ \t]*=[ \t]*|["'][ \t]*:[ \t]*"""
        r"""|[ \t]*:[ \t]*(?=["']|[^\s"']*[\d_$!@#%^&*+/=-]))"""
    )
    return _rule(
        kind,
        rf"(?<![\w-])(?:{names}){separator}{_NOT_REDACTED}{_VALUE}",
        "value",
        re.IGNORECASE,
    )


RULES: tuple[Rule, ...] = (
    # Key material first: a GCP service-account JSON holds a PEM block inside a string.
    _rule("gcp-private-key", r'"private_key"\s*:\s*"(?P<value>(?:[^"\\]|\\.)+)"', "value"),
    _rule(
        "private-key",
        r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"
        # The body never holds "-----": scanning stops there, so many BEGINs stay linear.
        r"(?:(?:(?!-----)[\s\S])*-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"
        # A block cut short (one log line, a truncated paste): the base64 lines that follow.
        r"|(?:(?:\s|\\n)+[A-Za-z0-9+/=]{16,})*)",
    ),
    _rule("jwt", r"(?<![\w-])eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"),
    _rule(
        "aws-access-key-id",
        r"(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|AROA|ANPA|ANVA)[A-Z0-9]{16}"
        r"(?![A-Za-z0-9])",
    ),
    _rule(
        "aws-secret-key",
        r"""(?:aws_?secret_?(?:access_?)?key|secret_?access_?key)["']?\s*[:=]\s*["']?"""
        r"(?P<value>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])",
        "value",
        re.IGNORECASE,
    ),
    _rule("gcp-api-key", r"(?<![\w-])AIza[0-9A-Za-z_-]{35}(?![\w-])"),
    _rule(
        "azure-storage-key",
        r"(?:AccountKey|SharedAccessKey)\s*=\s*(?P<value>[A-Za-z0-9+/]{20,}={0,2})",
        "value",
        re.IGNORECASE,
    ),
    _rule("azure-sas-signature", r"[?&]sig=(?P<value>[A-Za-z0-9%+/]{20,}(?:=|%3D){0,2})", "value"),
    _rule("github-token", r"(?<![\w-])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_\w{22,255})"),
    _rule("gitlab-token", r"(?<![\w-])glpat-[A-Za-z0-9_-]{20,}"),
    _rule("slack-token", r"(?<![\w-])xox[abprs]-[A-Za-z0-9-]{10,}"),
    _rule("slack-webhook", r"https://hooks\.slack\.com/services/[A-Za-z0-9_/]{20,}"),
    _rule("stripe-key", r"(?<![\w-])[rs]k_live_[A-Za-z0-9]{16,}"),
    # Generic shapes, after the specific ones (which leave markers these skip).
    _rule(
        "bearer-token",
        rf"(?:(?<=authorization)[\"']?\s*[:=]\s*[\"']?bearer\s+|(?<![\w-])bearer\s+(?=\S*\d)"
        rf"(?=[A-Za-z0-9._~+/-]{{20}})){_NOT_REDACTED}(?P<value>[A-Za-z0-9._~+/-]+=*)",
        "value",
        re.IGNORECASE,
    ),
    _rule(
        "basic-auth",
        rf"(?<=authorization)[\"']?\s*[:=]\s*[\"']?basic\s+{_NOT_REDACTED}"
        r"(?P<value>[A-Za-z0-9+/]+={0,2})",
        "value",
        re.IGNORECASE,
    ),
    _rule(
        "password-in-url",
        rf"(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{{0,30}}://[^\s:/?#@\[\]]*:{_NOT_REDACTED}"
        r"(?P<value>[^\s/?#@]+)@",
        "value",
        re.IGNORECASE,
    ),
    _assignment("password", r"password|passwd|db_pass(?:word)?"),
    _assignment("api-key", r"api[_-]?key|x-api-key"),
    _assignment("token", r"(?:access|auth|refresh|session|api)[_-]?token|token"),
    _assignment("secret", r"client[_-]?secret|secret[_-]?key|secret"),
)


def compile_patterns(patterns: Iterable[str]) -> tuple[Rule, ...]:
    """User regexes as rules of kind "custom"; the first group, if any, is what goes.

    Raises ValueError naming the bad pattern, worded for the command line.
    """
    rules = []
    for text in patterns:
        try:
            pattern = re.compile(text)
        except re.error as exc:
            raise ValueError(f"--redact-pattern {text!r} is not a valid regex: {exc}") from None
        rules.append(Rule("custom", pattern, 1 if pattern.groups else 0))
    return tuple(rules)


def _replacer(rule: Rule, counts: Counter[str]) -> Callable[[re.Match[str]], str]:
    marker = MARKER.format(kind=rule.kind)

    def replace(match: re.Match[str]) -> str:
        group: int | str = rule.group
        if group == "value":  # assignments: whichever quoting alternative matched
            names = [g for g in ("dq", "sq", "bare") if g in rule.pattern.groupindex]
            group = next((g for g in names if match.group(g) is not None), "value")
        start, end = match.span(group)
        if start < 0 or start == end or match.group(group).startswith("[REDACTED:"):
            return match.group(0)
        counts[rule.kind] += 1
        whole = match.start(0)
        text = match.group(0)
        return text[: start - whole] + marker + text[end - whole :]

    return replace


def redact(text: str, extra_patterns: Iterable[str | Rule] = ()) -> tuple[str, Counter[str]]:
    """Replace secrets in `text` with `[REDACTED:<kind>]`; return it with a count per kind.

    `extra_patterns` are the user's regexes (strings) or ready rules; they run
    last, so they catch what the built-in kinds do not.
    """
    extra = tuple(p for p in extra_patterns if isinstance(p, Rule))
    extra += compile_patterns(p for p in extra_patterns if isinstance(p, str))
    counts: Counter[str] = Counter()
    for rule in (*RULES, *extra):
        text = rule.pattern.sub(_replacer(rule, counts), text)
    return text, counts


def describe(counts: Counter[str]) -> str:
    """The stderr line: "redacted: 2 jwt, 1 password-in-url" (most frequent first)."""
    if not counts:
        return "redacted: nothing found"
    parts = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return "redacted: " + ", ".join(f"{n} {kind}" for kind, n in parts)
