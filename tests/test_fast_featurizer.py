"""The compiled MiniLM featurizer gives the same features as Rasa's eager one."""
from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def featurize(cls, texts):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
    from rasa.shared.nlu.training_data.message import Message

    config = {**cls.get_default_config(), "model_name": "bert",
              "model_weights": str(ROOT / "lang" / "all-MiniLM-L6-v2")}
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

    texts = ["does it hurt", "how many sessions will I need for my face?",
             "what's in the injections and who decides the mix"]
    eager = featurize(LanguageModelFeaturizer, texts)
    graph = featurize(FastLanguageModelFeaturizer, texts)
    for a, b in zip(eager, graph):
        for x, y in zip(a, b):
            assert x.shape == y.shape
            assert np.allclose(x, y, atol=1e-4)
