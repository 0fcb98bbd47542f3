"""Channel settings come from environment variables only; a missing one stops start-up by name."""

from __future__ import annotations

import os
from collections.abc import Sequence

from rasa.shared.exceptions import RasaException


def required_env(channel: str, names: Sequence[str]) -> dict[str, str]:
    """The named variables, or a RasaException listing every one that is not set."""
    missing = [name for name in names if not os.environ.get(name)]
    if missing:
        raise RasaException(f"{channel} channel: set {', '.join(missing)} in the environment")
    return {name: os.environ[name] for name in names}
