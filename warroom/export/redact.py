"""Secret redaction for everything that leaves the database (post-mortems, bundles).

Pinned log lines and pasted artifacts carry whatever the broken system printed:
tokens, keys, connection strings. Exports are shared far wider than the war
room, so secrets are replaced by `[REDACTED:<kind>]` unless the user says not to.

The patterns are deliberately anchored on a recognisable shape (a vendor prefix,
a `key=` context, a header name) so that ordinary log text (UUIDs, hashes, ids,
"password reset requested") goes through untouched. Specific kinds run before
generic ones, and a redacted marker never matches again: redaction is idempotent.

The vendor token shapes marked "detect-secrets" are taken from Yelp's
detect-secrets 1.5.0 (detect_secrets/plugins/*.py, Apache License 2.0,
https://github.com/Yelp/detect-secrets): npm, PyPI, OpenAI, SendGrid, Twilio,
Slack, Discord, Telegram, Mailchimp, and its AWS rule (a 40-character secret
near the word "secret" or "aws"). Adapted: anchored so that they do not run
into neighbouring text, and the AWS value must mix upper case, lower case and
digits, so a 40-digit commit SHA next to the word "secret" stays.
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
    # For a group holding several values (a Cookie header): what it becomes, redacted.
    rewrite: Callable[[str], str] | None = None


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
        # Any prefix (PGPASSWORD, CHECKOUT_DB_PASSWORD, --password, x-auth-token), not a suffix;
        # a pagination token (next_token=, page_token=) is a cursor, not a credential.
        rf"(?<![\w])(?!(?:next|page|pagination|continuation|cursor|sync|resume)[_-])"
        rf"(?:[a-z0-9]+[_-]|-)*(?:{names}){separator}{_NOT_REDACTED}{_VALUE}",
        "value",
        re.IGNORECASE,
    )


# The AWS secret access key near "secret"/"aws" (detect-secrets' AwsKeyDetector, widened to
# prose and table cells): 40 characters mixing upper case, lower case and digits.
_AWS_SECRET_VALUE = (
    r"(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?=[A-Za-z0-9/+]{0,39}[a-z])"
    r"(?=[A-Za-z0-9/+]{0,39}[0-9])(?P<value>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
)
_SESSION_NAME = re.compile(r"sess|sid|auth|token|jwt|remember|login|csrf|xsrf|identity|sso",
                           re.IGNORECASE)
_COOKIE_PAIR = re.compile(r"(?P<name>[^\s=;`]+)=(?P<value>[^;\s`]+)")


def _session_cookies(header: str) -> str:
    """A Cookie header's value with each session-like cookie's value redacted.

    Session-like: its name says so (sessionid, JSESSIONID, _shop_session, csrftoken...) or
    its value is a long random run; "theme=dark" stays.
    """
    def pair(match: re.Match[str]) -> str:
        name, value = match.group("name"), match.group("value")
        random_run = len(value) >= 20 and re.search(r"\d", value) and re.search(r"[A-Za-z]", value)
        if value.startswith("[REDACTED:") or not (_SESSION_NAME.search(name) or random_run):
            return match.group(0)
        return f"{name}={MARKER.format(kind='cookie')}"

    return _COOKIE_PAIR.sub(pair, header)


# A password told in a sentence: "the admin password is Winter2025!". The value must hold
# a digit or a symbol, so "the password is incorrect" stays as it is.
_PROSE_PASSWORD = (
    r"(?i:\b(?:password|passwd|passphrase)\b(?:\s+(?:for|of)\s+[\w.@-]+)?\s+(?:is|was)"
    r"\s+(?:now\s+|still\s+|set\s+to\s+)?)[\"'`]?"
    r"(?P<value>(?=[^\s\"'`]*[\d!@#$%^&*+=_/\\])[^\s\"'`]{5,}?[^\s\"'`.,;:)])"
    r"(?=[.,;:)]*(?:\s|$|[\"'`]))"
)


RULES: tuple[Rule, ...] = (
    # Key material first: a GCP service-account JSON holds a PEM block inside a string.
    _rule("gcp-private-key", r'"private_key"\s*:\s*"(?P<value>(?:[^"\\]|\\.)+)"', "value"),
    _rule(
        "private-key",
        r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"
        # The body never holds "-----": scanning stops there, so many BEGINs stay linear. It is
        # base64, PEM headers (Proc-Type: 4,ENCRYPTED) and line breaks, so a BEGIN and an END
        # pinned apart do not swallow the timeline entries between them.
        r"(?:(?:(?!-----)[A-Za-z0-9+/=\s:,-]|\\n|\[REDACTED:private-key\])*"
        r"-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"
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
    _rule("slack-token", r"(?<![\w-])xox[abeoprs]-[A-Za-z0-9-]{10,}"),
    # Slack's app-level tokens (Socket Mode), as Slack documents them.
    _rule("slack-app-token", r"(?<![\w-])xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+"),
    _rule("slack-webhook", r"https://hooks\.slack\.com/services/[A-Za-z0-9_/]{20,}"),
    _rule("stripe-key", r"(?<![\w-])[rs]k_live_[A-Za-z0-9]{16,}"),
    # From detect-secrets (see the module doc).
    _rule("npm-token", r"//\S+/:_authToken=\s*(?P<value>npm_\S+|[A-Fa-f0-9-]{36})", "value"),
    _rule("npm-token", r"(?<![\w-])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])"),
    _rule("pypi-token",
          r"(?<![\w-])pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{70,}"),
    _rule("openai-key", r"(?<![\w-])sk-[A-Za-z0-9_-]*[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}"),
    _rule("openai-key", r"(?<![\w-])sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}"),  # newer keys
    _rule("sendgrid-key", r"(?<![\w-])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![\w-])"),
    _rule("twilio-key", r"(?<![A-Za-z0-9])(?:AC|SK)[a-z0-9]{32}(?![A-Za-z0-9])"),
    _rule("discord-token",
          r"(?<![\w-])[MNO][A-Za-z\d_-]{23,25}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27}(?![\w-])"),
    _rule("telegram-token", r"(?:(?<=/bot)|(?<![\w:]))\d{8,10}:[0-9A-Za-z_-]{35}(?![\w-])"),
    _rule("mailchimp-key", r"(?<![A-Za-z0-9])[0-9a-z]{32}-us[0-9]{1,2}(?![\w-])"),
    _rule("aws-secret-key",
          rf"(?:(?i:\bsecret\b|\baws\b)|\[REDACTED:aws-access-key-id\])[^\n]{{0,40}}?"
          rf"{_AWS_SECRET_VALUE}", "value"),
    # Session cookies in a request's Cookie header or a response's Set-Cookie (its first pair:
    # the rest are attributes).
    Rule("cookie", re.compile(r"(?i)(?<![\w-])set-cookie:[ \t]*(?P<value>[^;\s`]+)"), "value",
         _session_cookies),
    Rule("cookie", re.compile(r"(?i)(?<![\w-])cookie:[ \t]*(?P<value>[^\n`]*[^\s`])"), "value",
         _session_cookies),
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
    _assignment("password", r"password|passwd|pgpassword|db_pass(?:word)?|[a-z0-9]+_pwd"),
    _assignment("api-key", r"api[_-]?key|x-api-key"),
    _assignment("token", r"(?:access|auth|refresh|session|api)[_-]?token|token"),
    _assignment("secret", r"client[_-]?secret|secret[_-]?key|secret"),
    _rule("password", _PROSE_PASSWORD, "value"),
    # Command lines: `--password s3cr3t`, `mysql -p's3cr3t'` (and unquoted after mysql).
    _rule("password", rf"(?i)(?<![\w-])--(?:[a-z]+-)*(?:password|passwd|token|secret)[ \t]+"
          rf"(?!-){_NOT_REDACTED}{_VALUE}", "value"),
    _rule("password", r"(?<![\w-])-p(?:'(?P<sq>[^'\n]+)'|\"(?P<dq>[^\"\n]+)\")", "value"),
    _rule("password", r"(?i)\b(?:mysql|mariadb|mysqldump|mysqladmin)\b[^\n`]*?[ \t]-p"
          r"(?P<bare>[^\s'\"`]+)", "value"),
    # .netrc: `machine host login me password s3cr3t`, or a `password s3cr3t` line of its own.
    _rule("password", r"(?i)\b(?:machine[ \t]+\S+|default)\b[^\n]*?\bpassword[ \t]+"
          rf"{_NOT_REDACTED}(?P<bare>[^\s`]+)", "value"),
    _rule("password", rf"(?im)^[ \t]*`*[ \t]*password[ \t]+{_NOT_REDACTED}(?P<bare>[^\s`]+)"
          r"[ \t]*`*[ \t]*$", "value"),  # also as a pinned line, in its code span
)


_KEY_BEGIN = re.compile(r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")
_KEY_END = re.compile(r"-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")
# A base64 line of key material: long, mixing upper case, lower case and digits (a hex
# digest or a path does not).
_KEY_LINE = re.compile(
    r"(?<![\w+/=.-])(?=[A-Za-z0-9+/]{0,80}[A-Z])(?=[A-Za-z0-9+/]{0,80}[a-z])"
    r"(?=[A-Za-z0-9+/]{0,80}[0-9])[A-Za-z0-9+/]{24,}={0,2}(?![\w+/=.-])"
)
KEY_GAP = 8  # pieces without a key line after which a key cut short is taken as over


def redact_split_keys(pieces: list[str]) -> list[str]:
    """A private key pinned line by line: its base64 lines in the pieces after its BEGIN line.

    The pieces are a document's lines or a bundle's timeline entries, in order.
    Within one piece the `private-key` rule sees the block; here a BEGIN line
    with no END after it carries over: each later piece loses its key lines,
    until the END line or KEY_GAP pieces without one. Not counted: the BEGIN
    line is, once, by the `private-key` rule.
    """
    out, left = [], 0
    marker = MARKER.format(kind="private-key")
    for piece in pieces:
        if left:
            end = _KEY_END.search(piece)
            head, tail = (piece[: end.start()], piece[end.start():]) if end else (piece, "")
            head, found = _KEY_LINE.subn(marker, head)
            piece = head + tail
            left = 0 if end else (KEY_GAP if found else left - 1)
        begins = list(_KEY_BEGIN.finditer(piece))
        if begins and not _KEY_END.search(piece, begins[-1].end()):
            left = KEY_GAP
        out.append(piece)
    return out


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
        found = marker
        if rule.rewrite is not None:
            found = rule.rewrite(match.group(group))
            if found == match.group(group):
                return match.group(0)
        counts[rule.kind] += 1
        whole = match.start(0)
        text = match.group(0)
        return text[: start - whole] + found + text[end - whole :]

    return replace


def redact(text: str, extra_patterns: Iterable[str | Rule] = ()) -> tuple[str, Counter[str]]:
    """Replace secrets in `text` with `[REDACTED:<kind>]`; return it with a count per kind.

    `extra_patterns` are the user's regexes (strings) or ready rules; they run
    last, so they catch what the built-in kinds do not.
    """
    extra = tuple(p for p in extra_patterns if isinstance(p, Rule))
    extra += compile_patterns(p for p in extra_patterns if isinstance(p, str))
    counts: Counter[str] = Counter()
    if "PRIVATE KEY" in text:
        text = "\n".join(redact_split_keys(text.split("\n")))
    for rule in (*RULES, *extra):
        text = rule.pattern.sub(_replacer(rule, counts), text)
    return text, counts


def describe(counts: Counter[str]) -> str:
    """The stderr line: "redacted: 2 jwt, 1 password-in-url" (most frequent first)."""
    if not counts:
        return "redacted: nothing found"
    parts = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return "redacted: " + ", ".join(f"{n} {kind}" for kind, n in parts)
