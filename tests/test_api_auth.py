"""Rasa's HTTP API, when a clinic turns it on, answers only authenticated callers (token or JWT)."""

from __future__ import annotations

import time

import pytest

from scripts.rasa_command import ApiSettingsError, api_args, rasa_run_args
from tests.harness.servers import TUESDAY_TEN

pytestmark = pytest.mark.clock(TUESDAY_TEN)  # the slow test: the shared servers (no time matters here)


def test_api_is_off_unless_a_secret_is_configured():
    assert api_args({}) == []
    assert "--enable-api" not in rasa_run_args("m.tar.gz", "127.0.0.1", 5005, {"CLINIC_SITE_ORIGINS": "http://a"})


def test_asking_for_the_api_without_a_secret_is_refused_clearly():
    with pytest.raises(ApiSettingsError, match="RASA_API_TOKEN"):
        api_args({"RASA_ENABLE_API": "true"})


def test_a_token_or_a_jwt_secret_turns_it_on_with_authentication():
    assert api_args({"RASA_API_TOKEN": "t0k"}) == ["--enable-api", "--auth-token=t0k"]
    assert api_args({"RASA_JWT_SECRET": "s3c"}) == ["--enable-api", "--jwt-secret=s3c", "--jwt-method=HS256"]


@pytest.mark.parametrize("secret", ["-starts-with-a-dash", "--looks-like-an-option", "plain"])
def test_rasa_reads_back_any_secret_even_one_that_starts_with_a_dash(secret):
    """A random token begins with "-" one time in 32; Rasa's own parser must still take it as the value."""
    from rasa.__main__ import create_argument_parser

    args = rasa_run_args("m.tar.gz", "127.0.0.1", 5005, {"RASA_API_TOKEN": secret, "RASA_JWT_SECRET": secret})
    parsed = create_argument_parser().parse_args(args)
    assert (parsed.auth_token, parsed.jwt_secret, parsed.enable_api) == (secret, secret, True)


@pytest.mark.slow
def test_the_running_api_refuses_anyone_without_the_token_or_a_valid_jwt(servers):
    import jwt
    import requests

    env = {"RASA_API_TOKEN": servers.api_token, "RASA_JWT_SECRET": servers.jwt_secret}  # the servers' secrets
    status = f"{servers.rasa_url}/status"
    tracker = f"{servers.rasa_url}/conversations/anyone/tracker"
    assert requests.get(status, timeout=10).status_code == 401
    assert requests.get(tracker, timeout=10).status_code == 401
    assert requests.get(status, params={"token": "wrong"}, timeout=10).status_code == 401
    assert requests.get(status, params={"token": env["RASA_API_TOKEN"]}, timeout=10).status_code == 200

    def bearer(secret: str) -> dict:
        claims = {"user": {"username": "clinic-admin", "role": "admin"}, "exp": int(time.time()) + 300}
        return {"Authorization": "Bearer " + jwt.encode(claims, secret, algorithm="HS256")}

    assert requests.get(status, headers=bearer("not-the-secret"), timeout=10).status_code == 401
    assert requests.get(status, headers=bearer(env["RASA_JWT_SECRET"]), timeout=10).status_code == 200
    # The patient-facing chat needs no API secret.
    assert servers.send("patient-api-check", "hello")
