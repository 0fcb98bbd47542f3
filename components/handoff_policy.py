"""Keep the assistant quiet while a person from the clinic has the conversation.

Rasa's handoff pattern: once the patient is handed over (slot `handoff_active` true), the bot stops
answering until the patient asks for the bot back. Rules cannot say "whatever the intent, stay
silent" in one place, so this tiny policy does: it predicts `action_listen` with full confidence and a
priority above the RulePolicy. Two intents always get through: asking for the bot back, and reporting
a bad reaction (safety wins over everything, handoff included).
"""

from __future__ import annotations

from typing import Any, Optional

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT], is_trainable=True)
class HandoffPolicy(Policy):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "priority": 7,  # above RulePolicy (6): silence wins while a person has the chat
            "slot": "handoff_active",
            "pass_through_intents": ["resume_bot", "report_adverse_reaction"],
        }

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource  # nothing to learn

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[dict[str, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        handed_over = tracker.get_slot(self.config["slot"]) is True
        just_heard = tracker.latest_action_name == ACTION_LISTEN_NAME
        intent = (tracker.latest_message.intent or {}).get("name") if tracker.latest_message else None
        if handed_over and just_heard and intent not in self.config["pass_through_intents"]:
            probabilities[domain.index_for_action(ACTION_LISTEN_NAME)] = 1.0
        return self._prediction(probabilities)
