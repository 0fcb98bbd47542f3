"""The FAQ bots a clinic would otherwise pick: nearest training question by TF-IDF or by MiniLM.

Both answer with the label of the most similar training question, or give no answer (nlu_fallback)
when the best similarity is below a threshold. The threshold is tuned on the training data only:
5-fold splits of the training examples, the threshold that answers the held-in folds best.

    .venv/bin/python benchmarks/baselines.py tfidf|minilm [--eval tests/nlu/heldout.yml]

prints one JSON object with the same figures as benchmarks/nlu_eval.py, plus training time,
single-message latency and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.nlu_eval import FALLBACK, OOS, percentile, score  # noqa: E402
from tests.harness.nlu import load_examples, minilm_encoder  # noqa: E402

Encoder = Callable[[Sequence[str]], np.ndarray]


def tfidf_encoder(train_texts: Sequence[str]) -> Encoder:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    union = FeatureUnion(
        [
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, lowercase=True)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=True)),
        ]
    )
    union.fit(train_texts)

    def encode(texts: Sequence[str]) -> np.ndarray:
        matrix = union.transform(texts).toarray()
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix / np.maximum(norms, 1e-12)

    return encode


ENCODERS = {"tfidf": tfidf_encoder, "minilm": minilm_encoder}


def nearest(train_vecs: np.ndarray, train_labels: list[str], vecs: np.ndarray) -> tuple[list[str], np.ndarray]:
    sims = vecs @ train_vecs.T
    best = sims.argmax(axis=1)
    return [train_labels[i] for i in best], sims[np.arange(len(best)), best]


def decide(labels: list[str], sims: np.ndarray, threshold: float) -> list[str]:
    return [label if sim >= threshold else FALLBACK for label, sim in zip(labels, sims)]


def tune_threshold(
    kind: str, texts: list[str], labels: list[str], folds: int = 5, encoders: dict[str, Callable] | None = None
) -> float:
    """The threshold that maximises accuracy on held-in folds of the training data (`encoders`: ENCODERS
    unless a caller brings its own, e.g. MiniLM vectors computed once for many folds)."""
    encoders = encoders or ENCODERS
    rng = np.random.default_rng(42)
    order = rng.permutation(len(texts))
    fold_of = np.empty(len(texts), dtype=int)
    fold_of[order] = np.arange(len(texts)) % folds
    all_labels, all_sims, gold = [], [], []
    for fold in range(folds):
        train_idx = [i for i in range(len(texts)) if fold_of[i] != fold]
        test_idx = [i for i in range(len(texts)) if fold_of[i] == fold]
        encode = encoders[kind]([texts[i] for i in train_idx])
        train_vecs = encode([texts[i] for i in train_idx])
        got, sims = nearest(train_vecs, [labels[i] for i in train_idx], encode([texts[i] for i in test_idx]))
        all_labels += got
        all_sims += list(sims)
        gold += [labels[i] for i in test_idx]
    sims = np.array(all_sims)
    candidates = np.unique(np.round(sims, 3))
    best_t, best_acc = 0.0, -1.0
    for t in np.concatenate([[0.0], candidates]):
        answered = decide(all_labels, sims, t)
        acc = np.mean([(p == g) or (g == OOS and p in (OOS, FALLBACK)) for p, g in zip(answered, gold)])
        if acc > best_acc:
            best_t, best_acc = float(t), float(acc)
    return best_t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("system", choices=sorted(ENCODERS))
    ap.add_argument("--train", type=Path, default=ROOT / "data" / "nlu")
    ap.add_argument("--eval", type=Path, default=ROOT / "tests" / "nlu" / "heldout.yml")
    args = ap.parse_args()
    train = load_examples(args.train)
    evaluation = load_examples(args.eval)
    texts, labels = [t for t, _ in train], [label for _, label in train]
    start = time.perf_counter()
    threshold = tune_threshold(args.system, texts, labels)
    encode = ENCODERS[args.system](texts)
    train_vecs = encode(texts)
    train_seconds = time.perf_counter() - start
    predicted, latencies = [], []
    encode(["warm up"])
    for text, _ in evaluation:
        t0 = time.perf_counter()
        got, sims = nearest(train_vecs, labels, encode([text]))
        predicted.append(decide(got, sims, threshold)[0])
        latencies.append((time.perf_counter() - t0) * 1000)
    result = score([label for _, label in evaluation], predicted)
    result.update(
        system=args.system,
        threshold=round(threshold, 3),
        train_seconds=round(train_seconds, 1),
        parse_ms_p50=round(statistics.median(latencies), 2),
        parse_ms_p95=round(percentile(latencies, 0.95), 2),
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
