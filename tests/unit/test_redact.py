"""Redaction: each kind of secret goes, counted; ordinary log text stays as it was."""

from __future__ import annotations

import time

import pytest

from warroom.export.redact import compile_patterns, describe, redact

AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
AZURE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFuYSJ9"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi4gJZ1nm2hJQxkf3R5yD1PxUvT\n"
    "q0YbG6LoqZ8aUp8wRkMfX1EnkWvF0eQyO8Qk2c5n4WqAxU8dLqHjzQ7Zx1c8Aa==\n"
    "-----END RSA PRIVATE KEY-----"
)
GCP_JSON = (
    '{"type": "service_account", "project_id": "shop-prod", "private_key_id": "1a2b3c",'
    ' "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcw\\n'
    '-----END PRIVATE KEY-----\\n", "client_email": "deploy@shop-prod.iam.gserviceaccount.com"}'
)


@pytest.mark.parametrize(
    ("text", "kind", "secret"),
    [
        ("using key AKIAIOSFODNN7EXAMPLE for s3", "aws-access-key-id", "AKIAIOSFODNN7EXAMPLE"),
        (f"aws_secret_access_key = {AWS_SECRET}", "aws-secret-key", AWS_SECRET),
        (f'"SecretAccessKey": "{AWS_SECRET}"', "aws-secret-key", AWS_SECRET),
        (GCP_JSON, "gcp-private-key", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcw"),
        ("maps key=AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", "gcp-api-key",
         "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"),
        (
            "DefaultEndpointsProtocol=https;AccountName=shopdata;"
            f"AccountKey={AZURE_KEY};EndpointSuffix=core.windows.net",
            "azure-storage-key", AZURE_KEY,
        ),
        (
            "Endpoint=sb://shop.servicebus.windows.net/;SharedAccessKeyName=send;"
            "SharedAccessKey=q1w2e3r4t5y6u7i8o9p0asdfghjklzxcvbnm1234567=",
            "azure-storage-key", "q1w2e3r4t5y6u7i8o9p0asdfghjkl",
        ),
        (
            "GET https://shopdata.blob.core.windows.net/exports/a.csv?sv=2022-11-02&sr=b"
            "&sig=Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0%3D",
            "azure-sas-signature", "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0",
        ),
        ("token ghp_16C7e42F292c6912E7710c838347Ae178B4a in env", "github-token",
         "ghp_16C7e42F292c6912E7710c838347Ae178B4a"),
        ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ",
         "github-token", "github_pat_11ABCDEFG"),
        ("clone with glpat-xY9zAbCdEfGhIjKlMnOp", "gitlab-token", "glpat-xY9zAbCdEfGhIjKlMnOp"),
        ("slack xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "slack-token",
         "xoxb-123456789012"),
        ("webhook https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
         "slack-webhook", "T00000000/B00000000"),
        ("Authorization: Bearer abc123def456ghi789", "bearer-token", "abc123def456ghi789"),
        ("curl -H 'authorization: bearer mF_9.B5f-4.1JqM'", "bearer-token", "mF_9.B5f-4.1JqM"),
        ("sent Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0 upstream", "bearer-token",
         "9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
        ("Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l", "basic-auth", "YWxhZGRpbjpvcGVuc2VzYW1l"),
        ("connecting to postgres://app:s3cr3t-pw@db.internal:5432/shop", "password-in-url",
         "s3cr3t-pw"),
        ("password=hunter2 user=bob", "password", "hunter2"),
        ('{"user": "bob", "password": "correct horse battery"}', "password", "correct horse"),
        ("DB_PASSWORD: 'p@ss w0rd'", "password", "p@ss w0rd"),
        ("passwd=letmein", "password", "letmein"),
        ("Server=db;User Id=sa;Password=Sup3r!;", "password", "Sup3r!"),
        ("client_secret=8Q~abc.def_ghi", "secret", "8Q~abc.def_ghi"),
        ("secret: 'moonlight'", "secret", "moonlight"),
        ("GET /reset?token=abc123&next=/home", "token", "abc123"),
        ("access_token=ya29.a0AfH6SMB", "token", "ya29.a0AfH6SMB"),
        ("api_key=0123456789abcdef", "api-key", "0123456789abcdef"),
        ("X-API-Key: 0123456789abcdef", "api-key", "0123456789abcdef"),
        (PEM, "private-key", "MIIEpAIBAAKCAQEA3Tz2mr7SZ"),
        ("-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAABG5vbmU", "private-key",
         "b3BlbnNzaC1rZXktdjEAAAAABG5vbmU"),
        (f"session {JWT} expired", "jwt", JWT),
        (f"Authorization: Bearer {JWT}", "jwt", JWT),
    ],
)
def test_each_kind_is_redacted_and_counted(text: str, kind: str, secret: str) -> None:
    out, counts = redact(text)
    assert secret not in out
    assert f"[REDACTED:{kind}]" in out
    assert counts[kind] == 1
    assert sum(counts.values()) == 1, counts


def test_context_around_a_secret_stays() -> None:
    out, _ = redact("connecting to postgres://app:s3cr3t@db.internal:5432/shop as app")
    assert out == (
        "connecting to postgres://app:[REDACTED:password-in-url]@db.internal:5432/shop as app"
    )
    out, _ = redact('{"user": "bob", "password": "hunter2", "ok": true}')
    assert out == '{"user": "bob", "password": "[REDACTED:password]", "ok": true}'
    out, _ = redact(f"before\n{PEM}\nafter")
    assert out == "before\n[REDACTED:private-key]\nafter"
    out, _ = redact(GCP_JSON)
    assert '"client_email": "deploy@shop-prod.iam.gserviceaccount.com"' in out


def test_counts_add_up_per_kind() -> None:
    text = "\n".join([
        f"a {JWT}", f"b {JWT}", "redis://:pw1@cache:6379", "amqp://guest:guest@mq",
        "password=x1",
    ])
    out, counts = redact(text)
    assert dict(counts) == {"jwt": 2, "password-in-url": 2, "password": 1}
    assert describe(counts) == "redacted: 2 jwt, 2 password-in-url, 1 password"
    assert describe(redact("nothing here")[1]) == "redacted: nothing found"


def test_redaction_is_idempotent() -> None:
    text = f"{PEM} password=x {JWT} postgres://u:p@h token: abc123 AKIAIOSFODNN7EXAMPLE"
    once, counts = redact(text)
    twice, again = redact(once)
    assert twice == once
    assert not again
    assert sum(counts.values()) == 6


def test_user_patterns_whole_match_or_first_group() -> None:
    out, counts = redact("order 12345 for CUST-998877 ok", ["CUST-\\d+"])
    assert out == "order 12345 for [REDACTED:custom] ok"
    assert counts == {"custom": 1}
    out, counts = redact("sessionid=abc; cookie ssid=zzz", [r"sessionid=(\w+)", r"ssid=(\w+)"])
    assert out == "sessionid=[REDACTED:custom]; cookie ssid=[REDACTED:custom]"
    assert counts == {"custom": 2}


def test_user_pattern_that_matches_empty_does_nothing() -> None:
    assert redact("abc", ["x*"]) == ("abc", {})


def test_bad_user_pattern_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"--redact-pattern '\(' is not a valid regex"):
        compile_patterns(["("])


# Realistic lines with nothing secret in them: none may change.
NOT_SECRETS = [
    "2026-11-27T13:55:10Z INFO request_id=3f2b8c1e-9a4d-4e6b-8f1a-2c3d4e5f6a7b status=200",
    "pulled image sha256:9b2d6a3e5f8c1d4b7a0e3f6c9d2b5a8e1f4c7d0a3b6e9f2c5d8a1b4e7f0c3d6a",
    "commit 4f9c2a1b8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b deployed",
    "thumbnail id=iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk",
    "GET https://shop.example.com/api/v1/orders?page=2&limit=50 200 12ms",
    "proxy upstream http://10.0.3.7:8080/healthz ok",
    "ssh://git@github.com/shop/checkout-api.git fetched",
    "postgres://db.internal:5432/shop connection established",
    "password reset requested for user bob@example.com",
    "user alice changed password successfully",
    "secret rotation completed for vault path kv/checkout",
    "failed to fetch token: connection refused",
    "token: expired, refreshing",
    "Bearer token missing from request to /api/orders",
    "Basic checks passed for all nodes",
    "authorization: denied for user 42 (role viewer)",
    "level=warn msg=\"token refresh took 812ms\" token_ttl=3600 tokens=12",
    "next_token=eyJwYWdlIjoyfQ returned 50 items",
    "jwt validation failed: signature mismatch",
    "-----BEGIN CERTIFICATE----- loaded from /etc/ssl/certs/ca.pem",
    "api key rotation scheduled for 2026-12-01",
    "kafka consumer group checkout-events lag=1532 partition=7",
    "k8s pod checkout-api-7d9f8b6c5d-x2x9q OOMKilled, restarting",
    "AKIA prefix filter applied to 0 keys",
    "time=12:30:45.123 host=web-3 msg=\"GET /health\"",
    "client_id=web-frontend redirect_uri=https://shop.example.com/callback",
    "Set-Cookie: theme=dark; Path=/; HttpOnly",
    "ERROR payments-gateway: pool exhausted (50/50), waited 30000ms",
    "tls handshake ok: cipher TLS_AES_256_GCM_SHA384 with x25519",
    "trace 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    "user=bob@example.com logged in from 203.0.113.7 via sso",
    "base64 payload eyJldmVudCI6Im9yZGVyLmNyZWF0ZWQifQ== received",
]


@pytest.mark.parametrize("line", NOT_SECRETS)
def test_ordinary_log_text_is_left_alone(line: str) -> None:
    assert redact(line) == (line, {})


@pytest.mark.parametrize(
    "text",
    ["a." * 50_000, "-----BEGIN PRIVATE KEY-----" * 20_000, "password=" * 20_000,
     "http://a:" + "b" * 100_000, '"' * 100_000, "Bearer " * 30_000],
)
def test_pathological_input_stays_fast(text: str) -> None:
    start = time.perf_counter()
    redact(text)
    assert time.perf_counter() - start < 5
