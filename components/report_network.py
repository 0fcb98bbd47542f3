"""Report or not: a small recurrent network over the message's token vectors.

Written for the warning-sign check (components/warning_signs.py), Rasa Open Source 3.6 / TensorFlow 2.12.

Why word order: the check's earlier networks saw the mean of the token vectors, which is nearly the
same for "my lips are swelling" and "what if my lips swell?", for "the redness is still there" and
"the redness went after an hour", for "I'm scared I'll get an infection" and "I've got an infection".
A bidirectional GRU reads the tokens in order; its outputs are max-pooled over the message and joined
to the mean token vector, then one hidden layer gives the probability of a report. On the nine
development blind sets, with thresholds chosen the same way for both, it escalated 70-78 of 938
harmless look-alikes against 106 for the mean-vector networks, missing no report
(benchmarks/results/configs_tried.md, 2026-12-04).

Training uses Keras (already installed with Rasa). Prediction is the same arithmetic in NumPy, so a
parse costs no TensorFlow call (a fraction of a millisecond for a chat message) and the weights are
plain arrays in the model archive. `tests/test_report_network.py` checks that both give the same
probabilities.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import tensorflow as tf

MAX_TOKENS = 64  # longer messages are read up to here: the first 64 tokens carry the report
LENGTH_BUCKETS = [8, 12, 16, 24, 32, 48]  # batches of similar length: less padding, ~3x faster training
BATCH = 64
NEGATIVE = -1e9  # masked positions never win the max pooling


def _batches(sequences: list[np.ndarray], labels: np.ndarray) -> Iterator[tuple[tuple[np.ndarray, np.ndarray], int]]:
    for sequence, label in zip(sequences, labels):
        sequence = sequence[:MAX_TOKENS].astype(np.float32)
        yield (sequence, np.ones((len(sequence), 1), np.float32)), int(label)


def build(dimensions: int, units: int, hidden: int) -> tf.keras.Model:
    """The network, for training: (token vectors, mask) -> probability of a report."""
    import tensorflow as tf

    tokens = tf.keras.Input((None, dimensions))
    mask = tf.keras.Input((None, 1))
    dropped = tf.keras.layers.Dropout(0.2)(tokens)
    states = tf.keras.layers.Bidirectional(tf.keras.layers.GRU(units // 2, return_sequences=True))(
        dropped, mask=tf.cast(mask[:, :, 0], tf.bool)
    )
    pooled = tf.reduce_max(states + (1.0 - mask) * NEGATIVE, axis=1)
    mean = tf.reduce_sum(tokens * mask, axis=1) / tf.maximum(tf.reduce_sum(mask, axis=1), 1.0)
    joined = tf.keras.layers.Concatenate()([pooled, mean])
    layer = tf.keras.layers.Dense(hidden, activation="relu")(joined)
    layer = tf.keras.layers.Dropout(0.3)(layer)
    probability = tf.keras.layers.Dense(1, activation="sigmoid")(layer)
    return tf.keras.Model([tokens, mask], probability)


def train(
    sequences: list[np.ndarray], is_report: np.ndarray, units: int, hidden: int, epochs: int, seed: int
) -> list[np.ndarray]:
    """One network trained on (tokens x dimensions) arrays; its weights, in Keras' order."""
    import tensorflow as tf

    tf.keras.utils.set_random_seed(seed)
    dimensions = sequences[0].shape[1]
    signature = (
        (
            tf.TensorSpec((None, dimensions), tf.float32),
            tf.TensorSpec((None, 1), tf.float32),
        ),
        tf.TensorSpec((), tf.int32),
    )
    data = (
        tf.data.Dataset.from_generator(lambda: _batches(sequences, is_report), output_signature=signature)
        .cache()
        .shuffle(len(sequences), seed=seed, reshuffle_each_iteration=True)
        .bucket_by_sequence_length(
            lambda example, label: tf.shape(example[0])[0], LENGTH_BUCKETS, [BATCH] * (len(LENGTH_BUCKETS) + 1)
        )
    )
    model = build(dimensions, units, hidden)
    model.compile(tf.keras.optimizers.Adam(1e-3), "binary_crossentropy")
    model.fit(data, epochs=epochs, verbose=0)
    weights = [np.asarray(w) for w in model.get_weights()]
    tf.keras.backend.clear_session()
    return weights


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


class Networks:
    """Trained networks ready for prediction: the GRUs' weights packed once, so that one message costs
    one matrix product for every GRU's input and one small batched product per token."""

    def __init__(self, networks: list[list[np.ndarray]]) -> None:
        # Each network's forward GRU, then each network's backward GRU.
        grus = [w[0:3] for w in networks] + [w[3:6] for w in networks]
        self.count = len(networks)
        self.units = grus[0][1].shape[0]
        self.kernels = np.concatenate([g[0] for g in grus], axis=1)  # dimensions x (grus * 3 units)
        self.recurrents = np.stack([g[1] for g in grus])  # grus x units x 3 units
        self.input_bias = np.stack([g[2][0] for g in grus])
        self.recurrent_bias = np.stack([g[2][1] for g in grus])
        self.heads = [w[6:10] for w in networks]

    def _states(self, tokens: np.ndarray) -> np.ndarray:
        """Every GRU's state after each token (grus x tokens x units); backward GRUs read from the end,
        and their states are given back in token order."""
        units, count = self.units, len(self.recurrents)
        inputs = (tokens @ self.kernels).reshape(len(tokens), count, 3 * units) + self.input_bias
        inputs[:, self.count :] = inputs[::-1, self.count :]
        state = np.zeros((count, units))
        states = np.empty((len(tokens), count, units))
        for step, x in enumerate(inputs):
            r_in = np.matmul(state[:, None, :], self.recurrents)[:, 0] + self.recurrent_bias
            update = _sigmoid(x[:, :units] + r_in[:, :units])
            reset = _sigmoid(x[:, units : 2 * units] + r_in[:, units : 2 * units])
            candidate = np.tanh(x[:, 2 * units :] + reset * r_in[:, 2 * units :])
            state = update * state + (1.0 - update) * candidate
            states[step] = state
        states[:, self.count :] = states[::-1, self.count :]
        return states.transpose(1, 0, 2)

    def probability(self, tokens: np.ndarray) -> float:
        """The networks' mean probability of a report for one message's (tokens x dimensions) vectors."""
        tokens = np.asarray(tokens[:MAX_TOKENS], dtype=np.float64)
        states = self._states(tokens)
        pooled = np.concatenate([states[: self.count], states[self.count :]], axis=2).max(axis=1)
        mean = tokens.mean(axis=0)
        probabilities = []
        for (hidden_w, hidden_b, out_w, out_b), net_pooled in zip(self.heads, pooled):
            layer = np.maximum(np.concatenate([net_pooled, mean]) @ hidden_w + hidden_b, 0.0)
            probabilities.append(float(_sigmoid(layer @ out_w + out_b)[0]))
        return float(np.mean(probabilities))
