"""The compiled check of action-server replies accepts what Rasa accepts and rejects what it rejects."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

import components  # noqa: F401  (installs the check)


def test_rasa_uses_the_compiled_check():
    from components.action_result_check import validate_action_result

    assert RemoteAction._validate_action_result is validate_action_result


def test_valid_reply_passes_and_invalid_reply_is_rejected_as_before():
    action = RemoteAction("action_x", None)
    assert action._validate_action_result(
        {"events": [{"event": "slot", "name": "a", "value": 1}], "responses": [{"text": "hi"}]}
    )
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": [{"event": 42}], "responses": "not a list"})
