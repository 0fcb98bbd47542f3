"""The compiled MiniLM featurizer gives the same features as Rasa's eager one."""

from __future__ import annotations

import numpy as np
import pytest

from tests.harness.paths import ROOT

pytestmark = pytest.mark.slow


def featurize(cls, texts, **extra):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
    from rasa.shared.nlu.training_data.message import Message

    config = {
        **cls.get_default_config(),
        "model_name": "bert",
        "model_weights": str(ROOT / "lang" / "all-MiniLM-L6-v2"),
        **extra,
    }
    featurizer = cls(config, ExecutionContext(GraphSchema({}), node_name="lm"))
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    out = []
    for text in texts:
        message = Message({"text": text})
        tokenizer.process([message])
        featurizer.process([message])
        out.append([f.features for f in message.features])
    return out


def test_graph_features_equal_eager_features():
    from rasa.nlu.featurizers.dense_featurizer.lm_featurizer import LanguageModelFeaturizer

    from components.fast_lm_featurizer import FastLanguageModelFeaturizer

    texts = [
        "does it hurt",
        "how many sessions will I need for my face?",
        "what's in the injections and who decides the mix",
    ]
    eager = featurize(LanguageModelFeaturizer, texts)
    graph = featurize(FastLanguageModelFeaturizer, texts, sentence_pooling="cls")
    for a, b in zip(eager, graph):
        for x, y in zip(a, b):
            assert x.shape == y.shape
            assert np.allclose(x, y, atol=1e-4)


def test_mean_pooled_sentence_feature_is_the_sentence_transformers_embedding():
    """The sentence feature is MiniLM's own sentence embedding (mean of token states, unit length),
    the vector the baseline matcher compares, not the [CLS] state Rasa takes for BERT."""
    from components.fast_lm_featurizer import FastLanguageModelFeaturizer
    from tests.harness.nlu import minilm_encoder

    # No punctuation: Rasa's tokenizers drop it before MiniLM sees the words.
    texts = ["does it hurt", "how many sessions will I need for my face"]
    features = featurize(FastLanguageModelFeaturizer, texts)
    reference = minilm_encoder(texts)(texts)
    for per_text, expected in zip(features, reference):
        sentence = [f for f in per_text if f.shape[0] == 1][0][0]
        assert np.isclose(np.linalg.norm(sentence), 1.0, atol=1e-4)
        assert float(sentence @ expected) > 0.9999


def test_unknown_pooling_is_refused_with_a_clear_message():
    from components.fast_lm_featurizer import FastLanguageModelFeaturizer

    with pytest.raises(ValueError, match="sentence_pooling"):
        FastLanguageModelFeaturizer.validate_config(
            {**FastLanguageModelFeaturizer.get_default_config(), "model_name": "bert", "sentence_pooling": "max"}
        )


def test_training_batches_by_length_give_each_text_its_own_features_and_skip_answers():
    """Training featurizes texts sorted by length, 64 at a time, and not the FAQ answers (nothing reads
    them since the calibrated classifier): each example still gets exactly its features as typed alone."""
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from components.fast_lm_featurizer import FastLanguageModelFeaturizer

    texts = [
        "does it hurt",
        "how many sessions will I need for my face and how far apart should they be",
        "cost",
        "what's in the injections and who decides the mix",
    ] * 20
    examples = [Message({"text": t, "intent": "faq", "response": "An answer about mesotherapy."}) for t in texts]
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    data = tokenizer.process_training_data(TrainingData(training_examples=examples))
    config = {
        **FastLanguageModelFeaturizer.get_default_config(),
        "model_name": "bert",
        "model_weights": str(ROOT / "lang" / "all-MiniLM-L6-v2"),
    }
    FastLanguageModelFeaturizer(config, ExecutionContext(GraphSchema({}), node_name="lm")).process_training_data(data)
    alone = dict(zip(texts[:4], featurize(FastLanguageModelFeaturizer, texts[:4])))
    for example in data.training_examples:
        assert not [f for f in example.features if f.attribute == "response"]
        got = [f.features for f in example.features if f.attribute == "text"]
        for x, y in zip(got, alone[example.get("text")]):
            assert np.allclose(x, y, atol=1e-4)
