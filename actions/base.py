"""The one base class of the assistant's plain actions: an action says its name in one line.

Rasa SDK's Action asks each action for `name()` and `run()`; every action here wrote the same two-line
`name` method. ClinicAction answers `name()` from the class's `action_name`, as domain.yml lists it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher


class ClinicAction(Action, ABC):
    """An action named by its `action_name`."""

    action_name: ClassVar[str]

    def name(self) -> str:
        return self.action_name

    @abstractmethod
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        """What the action says and does. Abstract, so the action server does not register this base class."""
