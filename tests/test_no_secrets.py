"""No secret is committed: every tracked file is scanned for the shapes real credentials have.

Secrets (bot tokens, Twilio and SMTP credentials, API tokens, JWT secrets) come only from environment
variables. Test fixtures use obviously fake values, which the patterns below do not match.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.harness.paths import ROOT

PATTERNS = {
    "private key": re.compile(r"-----BEGIN (RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----"),
    "Telegram bot token": re.compile(r"\b\d{8,10}:[A-Za-z0-9_-]{35}\b"),
    "Twilio account SID": re.compile(r"\bAC[0-9a-f]{32}\b"),
    "Twilio API key": re.compile(r"\bSK[0-9a-f]{32}\b"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "Slack/GitHub token": re.compile(r"\b(xox[abpr]-[0-9A-Za-z-]{10,}|gh[pousr]_[0-9A-Za-z]{36})\b"),
    "SendGrid/Mailgun key": re.compile(r"\b(SG\.[\w-]{22}\.[\w-]{43}|key-[0-9a-f]{32})\b"),
    "password in a URL": re.compile(
        r"\b(postgres(ql)?|redis|mysql|smtps?)(\+\w+)?://[^/\s:@]+:(?!\$\{|\$\(|\{|<|password@|PASSWORD@|secret@)[^@\s/]{4,}@"
    ),
    "secret assigned in config": re.compile(
        r"^\s*(auth_token|secret_token|jwt_secret|password|api_key|access_token)\s*:\s*['\"]?(?!\$\{)[A-Za-z0-9/+_-]{12,}",
        re.I | re.M,
    ),
}
SKIP_SUFFIXES = (".png", ".jpg", ".gz", ".ico", ".woff", ".woff2", ".lock")


def tracked_files():
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: nothing committed to scan")
    return [ROOT / name for name in out.decode().split("\0") if name and not name.endswith(SKIP_SUFFIXES)]


def test_no_tracked_file_contains_a_credential():
    found = []
    for path in tracked_files():
        if path.name == "package-lock.json" or not path.is_file():
            continue
        text = path.read_text(errors="ignore")
        for kind, pattern in PATTERNS.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {kind}")
    assert not found, "possible secrets committed:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "kind,sample",
    [
        # Built from pieces so that this file itself does not match.
        ("Telegram bot token", "TELEGRAM_TOKEN=1234567890:" + "AAH9dkf83KDkfj39dKDJF93kdjf93KDJf9s"),
        ("Twilio account SID", "sid AC" + "3f" * 16),
        ("password in a URL", "postgresql://clinic:" + "hunter2hunter2@db.example:5432/clinic"),
        ("secret assigned in config", "  auth_token: 9f8e7d6c5b4a39281706"),
    ],
)
def test_the_scanner_recognises_real_looking_secrets(kind, sample):
    assert PATTERNS[kind].search(sample)


def test_environment_references_and_fakes_are_not_flagged():
    for text in [
        "  auth_token: ${TWILIO_AUTH_TOKEN}",
        "postgresql://clinic:${DB_PASSWORD}@db/clinic",
        "postgresql://clinic:$(CLINIC_DB_PASSWORD)@db/clinic",  # Kubernetes env expansion
        "postgresql+psycopg2://{user}:{password}@127.0.0.1:{port}",  # f-string in code
        "postgresql+psycopg2://clinic:PASSWORD@host:5432/clinic",  # placeholder in docs
        "redis://localhost:6379/0",
        "TELEGRAM_TOKEN=123456:TEST-token",
    ]:
        assert not any(p.search(text) for p in PATTERNS.values()), text
