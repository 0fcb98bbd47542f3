"""The report-or-not networks (components/report_network.py): what they learn and how they predict.

The warning-sign check trusts them to tell "my lips are swelling" from "what if my lips swell?", which
differ in word order more than in words; and the parse uses NumPy arithmetic written to match Keras.
"""

from __future__ import annotations

import numpy as np
import pytest

from components import report_network

DIMENSIONS = 6


def ordered_messages(count: int, seed: int) -> tuple[list[np.ndarray], np.ndarray]:
    """Messages holding the same two words in either order, amid filler: a report when A comes before B.
    Their mean vectors are the same either way, so only a reader of word order can tell them apart."""
    rng = np.random.default_rng(seed)
    word_a, word_b = np.eye(DIMENSIONS)[0] * 3, np.eye(DIMENSIONS)[1] * 3
    messages, labels = [], []
    for i in range(count):
        filler = list(rng.normal(scale=0.3, size=(int(rng.integers(2, 9)), DIMENSIONS)))
        first, second = sorted(rng.choice(len(filler) + 1, size=2, replace=False))
        report = i % 2 == 0
        filler.insert(first, word_a if report else word_b)
        filler.insert(second + 1, word_b if report else word_a)
        messages.append(np.array(filler, dtype=np.float32))
        labels.append(int(report))
    return messages, np.array(labels)


@pytest.fixture(scope="module")
def trained() -> tuple[list[list[np.ndarray]], list[np.ndarray], np.ndarray]:
    messages, labels = ordered_messages(400, seed=1)
    networks = [report_network.train(messages, labels, units=8, hidden=8, epochs=25, seed=s) for s in range(2)]
    return networks, *ordered_messages(100, seed=2)


def test_the_networks_tell_reports_from_look_alikes_by_word_order(trained):
    networks, messages, labels = trained
    reader = report_network.Networks(networks)
    guesses = np.array([reader.probability(m) >= 0.5 for m in messages])
    # A reader of mean vectors is at chance here (0.5): both orders have the same mean.
    assert (guesses == labels.astype(bool)).mean() >= 0.75


def test_numpy_prediction_is_keras_prediction(trained):
    networks, messages, _ = trained
    model = report_network.build(DIMENSIONS, units=8, hidden=8)
    for weights in networks:
        model.set_weights(weights)
        reader = report_network.Networks([weights])
        for tokens in messages[:10]:
            keras = float(model.predict([tokens[None], np.ones((1, len(tokens), 1), np.float32)], verbose=0)[0, 0])
            assert reader.probability(tokens) == pytest.approx(keras, abs=1e-5)


def test_the_ensemble_is_the_mean_of_its_networks(trained):
    networks, messages, _ = trained
    alone = [report_network.Networks([w]).probability(messages[0]) for w in networks]
    assert report_network.Networks(networks).probability(messages[0]) == pytest.approx(np.mean(alone))


def test_training_is_repeatable():
    """The same data and seed give the same network, so CI's model judges the blind sets as ours did."""
    messages, labels = ordered_messages(60, seed=3)
    first = report_network.train(messages, labels, units=4, hidden=4, epochs=2, seed=5)
    again = report_network.train(messages, labels, units=4, hidden=4, epochs=2, seed=5)
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
