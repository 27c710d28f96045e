"""Who a sentence blames: a person named as the subject of a failure ("Bob forgot to…").

A blameless post-mortem describes conditions and decisions, not people. Names
are found two ways: the people known to the incident (roles, authors,
reviewers, owners, @mentions), matched in any case, and a guess for other
capitalised words before a failure verb. A guess is only a guess ("Redis
failed to…"), so it is reported as a possible name and the reviewer decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from warroom.core.vocabulary import Vocabulary, default_vocabulary, phrase_regex

#: Failures a sentence can pin on its subject (the shipped vocabulary's list).
FAILURE_VERBS = default_vocabulary().failure_verbs
# Words that may stand between a subject and its verb: "Bob simply forgot", "Bob had missed".
_FILLER_WORDS = (
    "had has have just also then again still already was were is simply completely totally "
    "apparently accidentally once twice"
)
_FILLERS = frozenset(_FILLER_WORDS.split())
# Capitalised words that start sentences or name parts of a system: never a person's name.
_NOT_NAMES_TEXT = """
    a an the this that these those it its we our us i you your he she him her his they
    them their someone somebody nobody noone everyone everybody anyone anybody one who which
    what whoever and but or so then also finally first later initially eventually meanwhile
    when while after before because since if until once unless though although as where
    however still nothing everything something no yes all both each either neither nor
    team teams oncall on-call engineer engineers ops operator operators support user users
    customer customers client clients vendor provider people staff management
    alert alerts alerting alertmanager monitor monitoring monitors dashboard dashboards
    pager paging page deploy deploys deployment deployments release releases rollout
    rollouts rollback rollbacks canary build builds pipeline pipelines job jobs cron script
    scripts test tests testing check checks healthcheck probe probes runbook runbooks
    config configuration change changes patch migration migrations upgrade update updates
    service services server servers system systems network cache caches database db
    queue queues worker workers cluster clusters node nodes pod pods proxy gateway api
    load balancer disk disks memory cpu traffic backup backups failover replica replicas
    primary leader follower shard shards storage certificate cert dns timeout retry retries
    process processes application app apps code commit review reviews automation tooling
    checkout payments payment login search auth frontend backend mitigation restart
    restarts incident incidents outage impact detection escalation handoff
    monday tuesday wednesday thursday friday saturday sunday today yesterday tonight
    january february march april may june july august september october november december
    kafka redis postgres mysql nginx envoy istio kubernetes terraform ansible jenkins grafana
    prometheus consul vault etcd zookeeper elasticsearch opensearch mongo mongodb memcached
    varnish docker helm argo celery sidekiq puppet linux java python cloudflare akamai fastly
    stripe twilio okta github gitlab jira slack pagerduty opsgenie datadog sentry splunk kibana
    logstash fluentd haproxy traefik rabbitmq spark hadoop airflow snowflake bigquery lambda
"""
NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())



@cache
def _verb_pattern(verbs: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(r"\s+".join(map(re.escape, v.split()))
                            for v in sorted(verbs, key=len, reverse=True))
    return re.compile(rf"(?<![\w'’-])(?:{alternatives})(?![\w'’-])", re.IGNORECASE)


_CODE = re.compile(r"`[^`\n]*`")
_CLAUSE_END = re.compile(r"[.!?;:]\s|[(\[—\n]|\s[-–]\s")
_WORD = re.compile(r"@?[A-Za-z][\w'’-]*")
_NAME_LIKE = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?")
# Title-case words with these endings are things, not people ("Monitoring", "Deployment").
_THING_SUFFIX = re.compile(r"(?:ing|tion|sion|ment|ness|ity|ance|ence|ism|ics|ogy|ware)$")


@dataclass(frozen=True, slots=True)
class Subject:
    """A name used as the subject of a failure verb in some text."""

    name: str  # as written, without a possessive 's
    verb: str  # the failure verb, as written
    known: bool  # a person known to the incident or an @mention, not a capitalised guess
    offset: int  # where the name starts in the text


def known_names(people: Iterable[str]) -> frozenset[str]:
    """The spellings of the incident's people to look for, folded: "@bo", "Ana Lima", mails."""
    names: set[str] = set()
    for person in people:
        person = person.strip().lstrip("@")
        if "@" in person:
            person = person.split("@", 1)[0]
        if not person or person.casefold() == "warroom":
            continue
        parts = [p for p in re.split(r"[\s._]+", person) if p]
        if len(parts) == 1:
            names.add(parts[0].casefold())
            continue
        names.add(" ".join(parts).casefold())
        names.update(p.casefold() for p in parts if len(p) > 2 and p.casefold() not in NOT_NAMES)
    return frozenset(names)


def vocabulary_of(text: str) -> frozenset[str]:
    """Words the text writes in lowercase somewhere: capitalised elsewhere, they are no name."""
    return frozenset(w for w in _WORD.findall(text) if w.islower())


def _clean(token: str) -> str:
    token = token.strip(",\"“”'‘’*_()[]")
    return re.sub(r"['’]s$", "", token)


def _is_name(token: str, known: frozenset[str], vocabulary: frozenset[str],
             products: frozenset[str] = frozenset()) -> bool | None:
    """True for a known person or @mention, False for a capitalised guess, None for no name."""
    if token.startswith("@") and len(token) > 1:
        return True
    folded = token.casefold()
    if folded in known:
        return True
    if (
        _NAME_LIKE.fullmatch(token)
        and folded not in NOT_NAMES
        and folded not in products
        and folded not in vocabulary
        and not _THING_SUFFIX.search(folded)
    ):
        return False
    return None


def failure_subjects(
    text: str, people: Iterable[str] = (), vocabulary: frozenset[str] | None = None,
    vocab: Vocabulary | None = None,
) -> list[Subject]:
    """Every name written as the subject of a failure verb, in order of appearance.

    `vocabulary` is the lowercase words of the whole document (see `vocabulary_of`);
    by default those of `text`. `vocab` holds the failure verbs, the products that
    are no names and the roles that stand for a person ("the on-call forgot").
    """
    vocab = vocab or default_vocabulary()
    known = known_names(people)
    vocabulary = vocabulary_of(text) if vocabulary is None else vocabulary
    products = frozenset(p.casefold() for p in vocab.products)
    role_at_end = _role_pattern(vocab.roles)
    passive = phrase_regex(vocab.not_failures_after)
    # Code spans are masked, not removed, so offsets still point into `text`.
    scan = _CODE.sub(lambda m: "_" * len(m.group(0)), text)
    found: list[Subject] = []
    for verb in _verb_pattern(vocab.failure_verbs).finditer(scan):
        after = scan[verb.end():]
        negative = " ".join(verb.group(0).lower().replace("’", "'").split())
        if negative.endswith(("n't", " not")) and passive.match(after.lstrip()):
            continue  # "the on-call didn't get paged": it happened to them
        before = scan[: verb.start()]
        ends = list(_CLAUSE_END.finditer(before))
        start = ends[-1].end() if ends else 0
        tokens = [(m.start() + start, m.group(0)) for m in re.finditer(r"\S+", before[start:])]
        while tokens and (
            tokens[-1][1].lower() in _FILLERS
            or (tokens[-1][1].lower().endswith("ly") and len(tokens[-1][1]) > 4)
        ):
            tokens.pop()
        clause = " ".join(t for _, t in tokens)
        if tokens and (role := role_at_end.search(clause)):
            offset = tokens[0][0] + role.start()
            found.append(Subject(role.group(0).strip(), " ".join(verb.group(0).split()), True,
                                 offset))
            continue
        # "Bob's change caused…": the change is the grammatical subject, Bob the one named.
        if len(tokens) >= 2 and re.search(r"['’]s$", tokens[-2][1]):
            tokens.pop()
        subjects = []
        while tokens:
            offset, raw = tokens.pop()
            name = _clean(raw)
            kind = _is_name(name, known, vocabulary, products)
            if kind is None:
                break
            # "Ana Lima forgot": the words before it that are names too belong to it.
            while tokens and not tokens[-1][1].endswith(","):
                prefix = _clean(tokens[-1][1])
                whole = f"{prefix} {name}"
                before_kind = _is_name(prefix, known, vocabulary, products)
                if before_kind is None and whole.casefold() not in known:
                    break
                offset, name = tokens.pop()[0], whole
                kind = kind or bool(before_kind) or whole.casefold() in known
            subjects.append(Subject(name, " ".join(verb.group(0).split()), kind, offset))
            # "Bob and Alice forgot", "Bob, Alice & Cy missed": walk back through the list.
            if tokens and tokens[-1][1].lower() in ("and", "&"):
                tokens.pop()
            elif not (tokens and tokens[-1][1].endswith(",")):
                break
        found.extend(reversed(subjects))
    return found


@cache
def _role_pattern(roles: tuple[str, ...]) -> re.Pattern[str]:
    """ "the on-call engineer", "our SRE" closing a clause: a role standing for a person."""
    alternatives = "|".join(r"[\s_-]+".join(map(re.escape, r.split()))
                            for r in sorted(roles, key=len, reverse=True)) or "(?!x)x"
    return re.compile(rf"\b(?:the|our|an?|their|that|this)\s+(?:[\w-]+\s+)?(?:{alternatives})"
                      r"['’]?s?\s*$", re.IGNORECASE)


_MENTION = re.compile(r"(?<![\w.@])@([A-Za-z][\w.-]*[A-Za-z0-9]|[A-Za-z])(?![\w@])")
_GROUP_WORD_TEXT = "team teams squad group eng engineering ops sre oncall crew guild tribe dept org"
_GROUP_WORDS = frozenset(_GROUP_WORD_TEXT.split())


def person_like(name: str) -> bool:
    """Whether an owner or author reads as a person ("bo", "Ana Lima"), not a team or a role."""
    name = name.strip().lstrip("@")
    parts = [p for p in re.split(r"[\s._-]+", name) if p]
    if not parts or len(parts) > 3 or name.casefold() == "warroom":
        return False
    if any(p.casefold() in _GROUP_WORDS or p.casefold() in NOT_NAMES for p in parts):
        return False
    if len(parts) == 1:
        return not (name.isupper() and len(name) > 1)  # "SRE", "DBA": roles
    return " " not in name or all(_NAME_LIKE.fullmatch(p) for p in parts)


def incident_people(names: Iterable[str | None], texts: Iterable[str] = ()) -> list[str]:
    """The people known to an incident: the names given that read as people (roles, authors,
    reviewers, owners), and every @mention in `texts`; each once, in order."""
    found = [n.strip().lstrip("@") for n in names if n and person_like(n)]
    for text in texts:
        found += _MENTION.findall(text)
    return list(dict.fromkeys(found))
