"""The website origins allowed to talk to the assistant, from one environment variable."""

from __future__ import annotations

import os

ORIGINS_ENV = "CLINIC_SITE_ORIGINS"
# The clinic page `make run` serves (scripts/serve_page.py, PAGE_PORT 8080). The one place this default
# is written: scripts/run.sh reads it from here for `rasa run --cors`.
DEFAULT_ORIGINS = "http://localhost:8080 http://127.0.0.1:8080"


def site_origins() -> list[str]:
    """Space-separated origins in CLINIC_SITE_ORIGINS (the same list `rasa run --cors` gets)."""
    return [o.rstrip("/") for o in (os.environ.get(ORIGINS_ENV) or DEFAULT_ORIGINS).split() if o]
