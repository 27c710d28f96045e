"""The words warroom reads artifacts with, loaded from a workflow's `vocabulary.toml`.

The gate checks read values as a person would: "not critical" is not Critical,
"unknown" is not an answer, "High" is Major by the team's own table, and "2% →
40%" on an error rate is worse. Every word list lives in the data file beside
`workflow.toml` so a team can edit it; this module only compiles and applies it.
Plain Python (stdlib only): the tail fast path and the core share it cheaply.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from warroom.resources import data_dir

FILE_NAME = "vocabulary.toml"

_CLAUSE = re.compile(r"[,;:.!()\[\]—–]|\s-\s|\bbut\b|\bhowever\b|\bthough\b", re.IGNORECASE)


class VocabularyError(Exception):
    """A vocabulary file that cannot be used; the message names the file and the field."""


def phrase_regex(phrases: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    """One pattern for whole-word phrases, longest first; spaces also match "-" and "_"."""
    parts = []
    for phrase in sorted({p.strip().lower() for p in phrases if p.strip()}, key=len,
                         reverse=True):
        words = [re.escape(w) for w in re.split(r"[\s_-]+", phrase) if w]
        body = r"[\s_-]*".join(words) if phrase[-1].isdigit() else r"[\s_-]+".join(words)
        start = r"(?<![\w'’])" if phrase[0].isalnum() else ""
        end = r"(?![\w'’])" if phrase[-1].isalnum() else ""
        parts.append(f"{start}{body}{end}")
    if not parts:
        return re.compile(r"(?!x)x")
    return re.compile("|".join(parts), re.IGNORECASE)


@dataclass(frozen=True)
class Match:
    """One phrase found in a text: which option it names, where, and whether it is negated."""

    option: str
    phrase: str
    start: int
    negated: str | None = None  # the negation or hedge that cancels it, as written


@dataclass(frozen=True)
class Vocabulary:
    """Every word list the gate checks read with (see vocabulary.toml for what each means)."""

    negations: tuple[str, ...] = ()
    hedges: tuple[str, ...] = ()
    unanswered: tuple[str, ...] = ()
    nothing: tuple[str, ...] = ()
    fillers: tuple[str, ...] = ()
    choices: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    lower_is_better: tuple[str, ...] = ()
    higher_is_better: tuple[str, ...] = ()
    counterfactual_verbs: tuple[str, ...] = ()
    vague_root_causes: tuple[str, ...] = ()
    root_cause_min_words: int = 6
    step_min_words: int = 2
    exhortations: tuple[str, ...] = ()
    generic_owners: tuple[str, ...] = ()
    action_min_words: int = 3
    lesson_min_words: int = 4
    blame_words: tuple[str, ...] = ()
    failure_verbs: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    not_failures_after: tuple[str, ...] = ()

    # -- compiled, once per vocabulary ----------------------------------------

    @cached_property
    def _negation(self) -> re.Pattern[str]:
        return phrase_regex(self.negations)

    @cached_property
    def _hedge(self) -> re.Pattern[str]:
        return phrase_regex([h for h in self.hedges if h != "?"])

    @cached_property
    def _choice_patterns(self) -> dict[str, list[tuple[str, re.Pattern[str]]]]:
        return {
            name: [(option, phrase_regex(words)) for option, words in options.items()]
            for name, options in self.choices.items()
        }

    @cached_property
    def _empty_words(self) -> re.Pattern[str]:
        return phrase_regex([*self.unanswered, *self.fillers])

    @cached_property
    def _empty_or_nothing(self) -> re.Pattern[str]:
        return phrase_regex([*self.unanswered, *self.fillers, *self.nothing])

    @cached_property
    def _counterfactual(self) -> re.Pattern[str]:
        verbs = "|".join(re.escape(v) for v in self.counterfactual_verbs) or "(?!x)x"
        return re.compile(rf"^\s*(?:\w+\s+){{0,2}}?(?:been\s+)?(?:{verbs})\b", re.IGNORECASE)

    @cached_property
    def _exhortation(self) -> re.Pattern[str]:
        return phrase_regex(self.exhortations)

    @cached_property
    def _lower(self) -> re.Pattern[str]:
        return phrase_regex(self.lower_is_better)

    @cached_property
    def _higher(self) -> re.Pattern[str]:
        return phrase_regex(self.higher_is_better)

    # -- reading ----------------------------------------------------------------

    def cancelled_by(self, text: str, start: int, end: int) -> str | None:
        """The negation or hedge that cancels the phrase at text[start:end], if any.

        Looks back to the start of the phrase's clause (at most four words) for a
        negation or hedge, and just after it for a "?" or a hedge ("critical, maybe").
        """
        window = self._window(text, start)
        for pattern in (self._negation, self._hedge):
            if found := pattern.search(window):
                return found.group(0)
        after = text[end:]
        stop = _CLAUSE.search(after)
        tail = after[: stop.start()] if stop else after
        if "?" in after[:3] or "?" in tail:
            return "?"
        if found := self._hedge.search(tail):
            return found.group(0)
        return None

    @staticmethod
    def _window(text: str, start: int) -> str:
        """The (at most four) words before `start`, back to the start of its clause."""
        clauses = list(_CLAUSE.finditer(text, 0, start))
        begin = clauses[-1].end() if clauses else 0
        return " ".join(re.findall(r"\S+", text[begin:start])[-4:])

    def negated_at(self, text: str, start: int) -> str | None:
        """The negation just before `start` in its clause ("no one is to" blame), if any."""
        found = self._negation.search(self._window(text, start))
        return found.group(0) if found else None

    def matches(self, choice: str, text: str) -> list[Match]:
        """Every phrase of a choice's options in `text`, longest first where they overlap."""
        found: list[Match] = []
        taken: list[tuple[int, int]] = []
        candidates = []
        for option, pattern in self._choice_patterns.get(choice, []):
            candidates += [(m.end() - m.start(), m, option) for m in pattern.finditer(text)]
        for _, m, option in sorted(candidates, key=lambda c: (-c[0], c[1].start())):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            negated = self.cancelled_by(text, m.start(), m.end())
            found.append(Match(option, m.group(0), m.start(), negated))
        return sorted(found, key=lambda x: x.start)

    def options(self, choice: str) -> tuple[str, ...]:
        return tuple(self.choices.get(choice, {}))

    def read_choice(self, choice: str, value: str) -> tuple[str | None, str | None]:
        """Map free text onto one of a choice's options, as a person would read it.

        Returns (option, None), or (None, why) when the text names none, several,
        only negated or hedged ones ("not critical", "major?"), or is not an answer.
        Its first phrase decides ("Mitigated, not resolved"), then the whole text.
        """
        flat = re.sub(r"\s+", " ", re.sub(r"<[^<>]*>|[*_`]", " ", value)).strip()
        head = re.split(r"\s+[—–-]+\s+|[—(:;,.]", flat, maxsplit=1)[0]
        names = " / ".join(self.options(choice))
        folded = re.sub(r"[^\w\s/?-]", "", flat).strip().lower()
        exact = [o for o, pattern in self._choice_patterns.get(choice, [])
                 if (m := pattern.fullmatch(folded))]
        if len(exact) == 1:  # "Investigating" is an option here, not an unknown
            return exact[0], None
        if not self.answered(flat, nothing_counts=True):  # "no idea" is not "no" (None)
            return None, f"is not answered yet; write one of {names}"
        cancelled: list[Match] = []
        for part in (head, flat):
            found = self.matches(choice, part)
            positive = list(dict.fromkeys(m.option for m in found if not m.negated))
            if len(positive) == 1:
                return positive[0], None
            if positive:
                return None, f"names {' and '.join(positive)}; keep one"
            cancelled += [m for m in found if m.negated]
        if cancelled:
            m = cancelled[0]
            how = "a question" if m.negated == "?" else f'"{m.negated}"'
            return None, (f'reads "{m.phrase}" with {how}: that is not {m.option}; '
                          f"write one of {names}")
        return None, f"is not one of {names}"

    def answered(self, text: str | None, *, nothing_counts: bool = False) -> bool:
        """Whether `text` says something: not blank, not only "unknown", "TBD", "?", fillers.

        With `nothing_counts`, "None" is an answer (Data impact, Residual risk).
        """
        if not text:
            return False
        pattern = self._empty_words if nothing_counts else self._empty_or_nothing
        rest = pattern.sub(" ", text.lower())
        return re.search(r"[^\W_]", rest) is not None

    def hedge_in(self, text: str) -> str | None:
        """The first hedge in `text` that is not about a counterfactual ("could have caught").

        "might", "could", "would" followed by have + a counterfactual verb are about
        what would have helped, so they are not hedges on the finding.
        """
        for m in self._hedge.finditer(text):
            if self._counterfactual.match(text[m.end():]) and re.search(
                r"\b(?:might|may|could)\b", m.group(0), re.IGNORECASE
            ):
                continue
            return m.group(0)
        for m in re.finditer(r"\b(?:could|might|may)\s+(?:have|be)\b", text, re.IGNORECASE):
            if not self._counterfactual.match(text[m.end():]):
                return m.group(0)
        if re.search(r"\?(?:\s|$)", text):
            return "?"
        return None

    def exhortation_in(self, text: str) -> str | None:
        """An exhortation ("be more careful") in `text`, as written."""
        found = self._exhortation.search(text)
        return found.group(0) if found else None

    def direction(self, metric: str) -> str | None:
        """"down" or "up": which way the named metric gets better; None when its name says not."""
        lower = bool(self._lower.search(metric))
        higher = bool(self._higher.search(metric))
        if lower == higher:
            return None
        return "down" if lower else "up"


def _strings(raw: object, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise VocabularyError(f"field {where}: expected a list of strings")
    return tuple(raw)


def _int(raw: object, where: str, default: int) -> int:
    if raw is None:
        return default
    if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
        raise VocabularyError(f"field {where}: expected a whole number >= 0")
    return raw


def parse_vocabulary(raw: dict) -> Vocabulary:
    """Build a Vocabulary from a parsed TOML table; VocabularyError names a bad field."""
    def section(name: str) -> dict:
        value = raw.get(name, {})
        if not isinstance(value, dict):
            raise VocabularyError(f"[{name}] must be a table")
        return value

    reading, labels, metrics = section("reading"), section("labels"), section("metrics")
    root, actions, lessons, blame = (section("root_cause"), section("action_items"),
                                     section("lessons"), section("blame"))
    choices: dict[str, dict[str, tuple[str, ...]]] = {}
    for name, options in section("choices").items():
        if not isinstance(options, dict) or not options:
            raise VocabularyError(f"[choices.{name}] must be a table of option = [phrases]")
        choices[name] = {opt: _strings(words, f"choices.{name}.{opt}")
                         for opt, words in options.items()}

    def strings(table: dict, key: str, where: str) -> tuple[str, ...]:
        return _strings(table.get(key, []), f"{where}.{key}")

    return Vocabulary(
        negations=strings(reading, "negations", "reading"),
        hedges=strings(reading, "hedges", "reading"),
        unanswered=strings(reading, "unanswered", "reading"),
        nothing=strings(reading, "nothing", "reading"),
        fillers=strings(reading, "fillers", "reading"),
        choices=choices,
        labels={k: _strings(v, f"labels.{k}") for k, v in labels.items()},
        lower_is_better=strings(metrics, "lower_is_better", "metrics"),
        higher_is_better=strings(metrics, "higher_is_better", "metrics"),
        counterfactual_verbs=strings(root, "counterfactual_verbs", "root_cause"),
        vague_root_causes=strings(root, "vague", "root_cause"),
        root_cause_min_words=_int(root.get("min_words"), "root_cause.min_words", 6),
        step_min_words=_int(root.get("min_step_words"), "root_cause.min_step_words", 2),
        exhortations=strings(actions, "exhortations", "action_items"),
        generic_owners=strings(actions, "generic_owners", "action_items"),
        action_min_words=_int(actions.get("min_words"), "action_items.min_words", 3),
        lesson_min_words=_int(lessons.get("min_words"), "lessons.min_words", 4),
        blame_words=strings(blame, "words", "blame"),
        failure_verbs=strings(blame, "failure_verbs", "blame"),
        roles=strings(blame, "roles", "blame"),
        products=strings(blame, "products", "blame"),
        not_failures_after=strings(blame, "not_failures_after", "blame"),
    )


def load_vocabulary(path: Path) -> Vocabulary:
    """Read one vocabulary file; VocabularyError names the file and what is wrong."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise VocabularyError(f"{path}: cannot read ({exc.strerror})") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise VocabularyError(f"{path}: not valid TOML ({exc})") from None
    try:
        return parse_vocabulary(raw)
    except VocabularyError as exc:
        raise VocabularyError(f"{path}: {exc}") from None


@cache
def default_vocabulary() -> Vocabulary:
    """The vocabulary shipped with the incident-response workflow."""
    return load_vocabulary(data_dir("templates") / "incident-response" / FILE_NAME)


def words(text: str) -> list[str]:
    """The words of `text`, lowercase, for counting and overlap."""
    return re.findall(r"[^\W_][\w'’./-]*", text.lower())


_STOP_WORDS = (
    "the a an and or of to in on at for by with from into onto than then that this these those "
    "was were is are be been being it its as our we they their there when which who what why how "
    "not no all any each per via after before during while over under more less most least "
    "very too also only just still yet one two three"
)
_STOP = frozenset(_STOP_WORDS.split())


def stems(text: str) -> set[str]:
    """Content words of `text`, cut to a rough stem, for "does A talk about B" overlaps."""
    found = set()
    for word in re.findall(r"[^\W_][\w.-]*", text.lower()):
        word = word.strip(".-")
        if len(word) < 3 or word in _STOP:
            continue
        found.add(word[:5] if word.isalpha() else word)
    return found
