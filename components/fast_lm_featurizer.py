"""LanguageModelFeaturizer that runs the transformer as a compiled TensorFlow graph.

Rasa 3.6 calls the Hugging Face TF model eagerly for every message; on 2 CPU cores all-MiniLM-L6-v2
then costs ~60-80 ms a message. Wrapping the very same call in `tf.function` (one trace per input
shape, shapes relaxed so traces are reused) gives the same features in a fraction of the time.
Everything else (tokenisation, config keys, outputs) is Rasa's own LanguageModelFeaturizer.

Training: Rasa featurizes every example's text *and* its response (for an FAQ example, the answer it
retrieves) and action text, in batches of 64 in file order. Nothing here reads response features any
more (the calibrated classifier replaced the ResponseSelector), and each FAQ answer was featurized
once per example; so `attributes` (default: text only) says which are featurized, and examples are
batched by length, so a batch is not padded to its one long example. Features are the same: padding
is masked out of the transformer's attention.

One option more, `sentence_pooling`: Rasa takes BERT's first ([CLS]) token as the sentence feature,
but all-MiniLM-L6-v2 was trained as a sentence encoder through the *mean* of its token states
(sentence-transformers' pooling, then L2 normalisation). With DIET and ResponseSelector at 0
transformer layers the sentence feature is what classifies, so `mean` (the default here) feeds them
the embedding the model was built to give; `cls` keeps Rasa's behaviour.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.dense_featurizer.lm_featurizer import LanguageModelFeaturizer
from rasa.shared.nlu.training_data.training_data import TrainingData

TRAINING_BATCH = 64  # as Rasa's own


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class FastLanguageModelFeaturizer(LanguageModelFeaturizer):
    """Rasa's LanguageModelFeaturizer with the model call compiled by tf.function."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**LanguageModelFeaturizer.get_default_config(), "sentence_pooling": "mean", "attributes": ["text"]}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        super().validate_config(config)
        if config.get("sentence_pooling", "mean") not in ("mean", "cls"):
            raise ValueError(f"sentence_pooling must be 'mean' or 'cls', got {config.get('sentence_pooling')!r}")

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Features for the configured attributes only, in batches of similar length."""
        for attribute in self._config.get("attributes", ["text"]):
            examples = sorted(
                (e for e in training_data.training_examples if e.get(attribute)), key=lambda e: len(e.get(attribute))
            )
            for start in range(0, len(examples), TRAINING_BATCH):
                batch = examples[start : start + TRAINING_BATCH]
                for example, doc in zip(batch, self._get_docs_for_batch(batch, attribute)):
                    self._set_lm_features(doc, example, attribute)
        return training_data

    def _load_model_instance(self) -> None:
        super()._load_model_instance()
        model = self.model

        @tf.function(
            input_signature=[tf.TensorSpec([None, None], tf.int32), tf.TensorSpec([None, None], tf.int32)],
            reduce_retracing=True,
        )
        def hidden_states(token_ids: tf.Tensor, attention_mask: tf.Tensor) -> tf.Tensor:
            return model(token_ids, attention_mask=attention_mask, training=False)[0]

        self._hidden_states = hidden_states
        # Trace once at load time so the first patient does not wait for graph compilation.
        hidden_states(tf.ones([1, 4], tf.int32), tf.ones([1, 4], tf.int32))

    def _compute_batch_sequence_features(
        self, batch_attention_mask: np.ndarray, padded_token_ids: list[list[int]]
    ) -> np.ndarray:
        token_ids = tf.convert_to_tensor(np.asarray(padded_token_ids, dtype=np.int32))
        mask = tf.convert_to_tensor(np.asarray(batch_attention_mask, dtype=np.int32))
        return self._hidden_states(token_ids, mask).numpy()

    def _post_process_sequence_embeddings(self, sequence_embeddings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sentences, tokens = super()._post_process_sequence_embeddings(sequence_embeddings)
        if self._config.get("sentence_pooling", "mean") == "mean":
            # Each row holds the states of the real tokens only ([CLS] … [SEP], no padding),
            # exactly what sentence-transformers averages.
            means = np.array([np.mean(states, axis=0) for states in sequence_embeddings])
            sentences = means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
        return sentences, tokens
