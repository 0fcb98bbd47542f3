"""NLU examples and readings as tests and benchmarks both take them.

`load_examples` reads (text, full label) pairs from Rasa NLU YAML; `full_label` is the label a patient
gets from a parse (`faq/<topic>`, the plain intent, or `nlu_fallback`); `minilm_encoder` is MiniLM's own
sentence embedding, the vector the baseline matcher (benchmarks/baselines.py) compares and the fast
featurizer's sentence feature must equal (tests/test_fast_featurizer.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from tests.harness.paths import ROOT

FALLBACK = "nlu_fallback"
MINILM = ROOT / "lang" / "all-MiniLM-L6-v2"


def load_examples(path: Path) -> list[tuple[str, str]]:
    """(text, full label) pairs from a Rasa NLU YAML file."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [(m.get("text"), m.get("intent_response_key") or m.get("intent")) for m in data.intent_examples]


def full_label(parse: dict) -> str:
    intent = (parse.get("intent") or {}).get("name") or FALLBACK
    if intent == "faq":
        selectors = parse.get("response_selector", {})
        selected = (selectors.get("faq") or selectors.get("default") or {}).get("response", {})
        return selected.get("intent_response_key") or "faq"
    return intent


def minilm_encoder(_: Sequence[str]) -> Callable[[Sequence[str]], np.ndarray]:
    """all-MiniLM-L6-v2 sentence embeddings (mean pooling, L2-normalised), the model's standard use."""
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from transformers import AutoTokenizer, TFBertModel

    tokenizer = AutoTokenizer.from_pretrained(str(MINILM))
    model = TFBertModel.from_pretrained(str(MINILM))

    def encode(texts: Sequence[str]) -> np.ndarray:
        out = []
        for start in range(0, len(texts), 64):
            batch = tokenizer(
                list(texts[start : start + 64]), padding=True, truncation=True, max_length=128, return_tensors="tf"
            )
            hidden = model(**batch).last_hidden_state.numpy()
            mask = batch["attention_mask"].numpy()[..., None]
            pooled = (hidden * mask).sum(1) / np.maximum(mask.sum(1), 1)
            out.append(pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12))
        return np.vstack(out)

    return encode
