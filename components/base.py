"""The create and load steps that Rasa 3.6's GraphComponent asks of every component, written once.

Written for Rasa Open Source 3.6.21 (rasa/engine/graph.py). Why: each of this project's components wrote
the same `create`, and each trained one the same `load`, a dozen lines apiece; now a component
says only what it keeps. The components keep their own names, modules and `DefaultV1Recipe.register`
lines (Rasa finds a trained model's components by class name), so models trained before this module
existed load unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeAlias

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.lm_featurizer import LanguageModelFeaturizer
from rasa.shared.nlu.training_data.training_data import TrainingData
from typing_extensions import Self

# Rasa's own parameter types, named short so that `create` is a few lines, not eight.
Config: TypeAlias = dict[str, Any]
Context: TypeAlias = ExecutionContext


class ConfiguredComponent(GraphComponent):
    """A component made from its config alone: nothing to train, so Rasa loads it with `create` too."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.component_config = config

    @classmethod
    def create(
        cls, config: Config, model_storage: ModelStorage, resource: Resource, execution_context: Context
    ) -> Self:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data passes unchanged (a featurizer's training step must return it)."""
        return training_data


class TrainedComponent(GraphComponent):
    """A component that learns from the training data and keeps what it learnt in its resource.

    A subclass says what it learnt in two methods: `read_state` reads it back from the resource directory
    that its `train` wrote, and `use_trained` takes it (or nothing, before training) and sets it up.
    """

    # What `load` takes to mean "never trained": Rasa's LocalModelStorage raises ValueError for a resource
    # that was never written (a model trained without NLU data). The model then loads and does nothing.
    NOT_TRAINED: tuple[type[Exception], ...] = (ValueError,)

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource, *state: Any) -> None:
        """`state`: what `read_state` returned, for a trained component; nothing for a new one."""
        self.component_config = config
        self._storage, self._resource = model_storage, resource
        self.use_trained(*state)

    def use_trained(self, *state: Any, **unused: Any) -> None:
        """Sets the component up from what it learnt; called with nothing, from its untrained defaults."""

    @classmethod
    def create(
        cls, config: Config, model_storage: ModelStorage, resource: Resource, execution_context: Context
    ) -> Self:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> Self:
        try:
            with model_storage.read_from(resource) as directory:
                return cls(config, model_storage, resource, *cls.read_state(directory))
        except cls.NOT_TRAINED:
            return cls(config, model_storage, resource)

    @classmethod
    def read_state(cls, directory: Path) -> tuple[Any, ...]:
        """What `use_trained` takes, read from the directory that `train` wrote."""
        raise NotImplementedError


class ReadsSentenceVectors:
    """For a component that reads the LanguageModelFeaturizer's token vectors (MiniLM's, in config.yml)."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [LanguageModelFeaturizer]
