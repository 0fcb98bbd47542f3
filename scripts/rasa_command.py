"""The `rasa run` command line for the assistant: one place decides ports, CORS and the HTTP API.

Used by scripts/run.sh (`make run`) and by the tests' server harness, so what the tests prove is what
a clinic runs. Rasa's HTTP API (/status, /conversations/…, /model/parse) stays OFF unless a secret
is configured, and is then always authenticated:
  RASA_API_TOKEN    turns the API on with token authentication (?token=…)
  RASA_JWT_SECRET   turns it on with JWT authentication (Authorization: Bearer …; RASA_JWT_METHOD,
                    default HS256); both may be set
  RASA_ENABLE_API=true without either secret is refused: an open API would let anyone read and
                    rewrite patients' conversations.
Secrets come only from the environment. Printed NUL-separated for bash:
    .venv/bin/python scripts/rasa_command.py MODEL HOST PORT [CREDENTIALS]
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

TRUE = {"1", "true", "yes", "on"}


class ApiSettingsError(ValueError):
    """The API was asked for without a way to authenticate its callers."""


def api_args(env: Mapping[str, str]) -> list[str]:
    token = env.get("RASA_API_TOKEN", "").strip()
    jwt_secret = env.get("RASA_JWT_SECRET", "").strip()
    if env.get("RASA_ENABLE_API", "").strip().lower() in TRUE and not (token or jwt_secret):
        raise ApiSettingsError(
            "RASA_ENABLE_API is set but neither RASA_API_TOKEN nor RASA_JWT_SECRET is: "
            "set one of them, the HTTP API is never served without authentication."
        )
    if not (token or jwt_secret):
        return []
    args = ["--enable-api"]
    if token:
        # "--name=value": a secret may begin with "-" (token_urlsafe does one time in 32), which
        # argparse would otherwise read as the next option and refuse to start.
        args.append(f"--auth-token={token}")
    if jwt_secret:
        args += [f"--jwt-secret={jwt_secret}", f"--jwt-method={env.get('RASA_JWT_METHOD', 'HS256')}"]
    return args


def rasa_run_args(
    model: str,
    host: str,
    port: int,
    env: Mapping[str, str],
    credentials: str = "credentials.yml",
    endpoints: str = "endpoints.yml",
) -> list[str]:
    """Arguments after `rasa` for the Rasa server."""
    origins = env.get("CLINIC_SITE_ORIGINS", "").split()
    return [
        "run",
        "-m",
        model,
        "-i",
        host,
        "-p",
        str(port),
        "--endpoints",
        endpoints,
        "--credentials",
        credentials,
        *(["--cors", *origins] if origins else []),
        *api_args(env),
    ]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        args = rasa_run_args(argv[0], argv[1], int(argv[2]), os.environ, *argv[3:])
    except ApiSettingsError as exc:
        print(f"Not starting: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write("\0".join(args) + "\0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
