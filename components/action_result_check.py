"""Check action-server replies with a schema compiled once, not once per reply.

Rasa's RemoteAction validates every reply of the action server with `jsonschema.validate(result,
schema)`, which first re-checks the (large) schema itself and builds a new validator each time. A
profile of the Rasa server under load (py-spy, 2026-11-24) put 22% of its CPU there. This keeps the
same check, same schema, same error message, but compiles the validator once per process.
Written for Rasa 3.6.21. Importing this changes nothing; install() is called by components/patches.py.
"""

from __future__ import annotations

from typing import Any, Optional

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_validator: Optional[Any] = None


def _compiled() -> Any:
    global _validator
    if _validator is None:
        schema = RemoteAction.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)
        _validator = cls(schema)
    return _validator


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    try:
        _compiled().validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            f"from the Action endpoint is valid. For more information about the format "
            f"visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error


def install() -> None:
    """Make RemoteAction use the compiled check; a second call changes nothing."""
    RemoteAction._validate_action_result = validate_action_result
