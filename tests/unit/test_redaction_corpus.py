"""Redaction measured on a corpus: 40 invented secrets of every kind, 200 ordinary lines.

tests/fixtures/redaction/secrets.txt holds one secret a line (the secret, a
tab, the line it is in); ordinary.txt holds log lines full of things that look
random and are not secret: UUIDs, commit SHAs, sha256 digests, trace ids, pod
names. On f248662, 12 of the 40 were redacted; every one must be now, and no
ordinary line may change.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from warroom.clock import FixedClock
from warroom.export.bundle import export_bundle, redact_bundle
from warroom.export.postmortem import export_postmortem
from warroom.export.redact import redact
from warroom.store.store import Store

FIXTURES = Path(__file__).parent.parent / "fixtures" / "redaction"
SECRETS = [
    tuple(line.split("\t", 1))
    for line in (FIXTURES / "secrets.txt").read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("#")
]
ORDINARY = (FIXTURES / "ordinary.txt").read_text(encoding="utf-8").splitlines()
T0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
# An invented RSA key, pinned one line at a time as it scrolled past in a log.
KEY = [
    "-----BEGIN RSA PRIVATE KEY-----",
    "MIIEpQIBAAKCAQEAu7Zq3Xw9vTn1Kp2Lr8sQe4YhJm0Nc5Df6Ga7Hb8Ic9Jd0Ke1",
    "Lf2Mg3Nh4Oi5Pj6Qk7Rl8Sm9Tn0Uo1Vp2Wq3Xr4Ys5Zt6au7bv8cw9dx0ey1fz2g",
    "A3h4i5j6k7l8m9n0o1p2q3r4s5t6u7v8w9x0y1z2A3B4C5D6E7F8G9H0I1J2K3L4",
    "M5N6O7P8Q9R0S1T2U3V4W5X6Y7Z8a9b0c1d2e3f4g5h6i7j8==",
    "-----END RSA PRIVATE KEY-----",
]


def test_the_corpus_is_what_it_says() -> None:
    assert len(SECRETS) >= 38
    assert len(ORDINARY) == 200


@pytest.mark.parametrize(("secret", "line"), SECRETS, ids=[s[1][:40] for s in SECRETS])
def test_every_secret_is_redacted(secret: str, line: str) -> None:
    out, counts = redact(line)
    assert secret not in out
    assert sum(counts.values()) >= 1
    assert redact(out)[0] == out  # idempotent


def test_no_ordinary_line_is_altered() -> None:
    altered = [line for line in ORDINARY if redact(line)[0] != line]
    assert altered == []


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """An incident whose timeline holds the corpus, and a key pinned line by line."""
    with Store.open(tmp_path / "r.db", clock=FixedClock(T0)) as s:
        incident = s.create_incident("Checkout 5xx", actor="ana")
        for n, line in enumerate(KEY, start=1):
            s.pin_line(incident.id, line.encode(), actor="ana", logged_at=None, received_at=T0,
                       source="/var/log/vault-agent.log", position=100 + n, level="error")
        for n, (_secret, line) in enumerate(SECRETS, start=1):
            s.pin_line(incident.id, line.encode(), actor="ana", logged_at=None, received_at=T0,
                       source="/var/log/app.log", position=n, level="error")
        s.save_artifact(incident.id, 1, "## Impact\n" + "\n".join(ORDINARY) + "\n", actor="ana",
                        base_version=0)
        yield s


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_exports_carry_no_secret_and_keep_every_ordinary_line(store: Store, fmt: str) -> None:
    document, counts = export_postmortem(store, 1, fmt=fmt)
    leaked = [secret for secret, _line in SECRETS if secret in document]
    assert leaked == []
    assert not [line for line in KEY[1:-1] if line in document]  # the key, entry by entry
    if fmt == "markdown":
        assert all(line.replace("<", "&lt;") in document for line in ORDINARY)
    assert counts["private-key"] == 1


def test_the_bundle_is_redacted_by_default_too(store: Store) -> None:
    bundle, _counts = redact_bundle(export_bundle(store, 1))
    text = json.dumps(bundle, ensure_ascii=False)
    assert [secret for secret, _line in SECRETS if secret.replace("/", "\\/") in text
            or secret in text] == []
    assert not [line for line in KEY[1:-1] if line in text]
