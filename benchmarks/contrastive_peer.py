"""Issue 17's SetFit-style try: MiniLM fine-tuned contrastively on the project's own labelled examples,
then the same logistic-regression head as the plain peer, scored side by side with that peer.

    .venv/bin/python benchmarks/contrastive_peer.py [--epochs 1] [--folds 5] [--report]

Fine-tuning: supervised contrastive loss (Khosla et al. 2020) on mean-pooled, L2-normalised MiniLM
embeddings, in batches of 16 labels x 4 examples, so every batch holds examples of the same label to pull
together and of other labels to push apart (SetFit does the same with sampled sentence pairs; a batch
loss gets more pairs from each forward pass, which matters on 2 cores). Head: logistic regression on the
fine-tuned embedding plus word and character TF-IDF (C=10), a 0.5 probability floor, as
faq_blind.peer_answers' plain peer, which is trained on the original MiniLM in the same run.

Scored on the blind FAQ set's development half (always), 5-fold cross-validation of data/nlu with a
fine-tuning per fold (--folds 0 skips it), and the reporting half only with --report (once, for a
decision made on the other two). Writes benchmarks/results/contrastive_peer.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.baselines import tfidf_encoder  # noqa: E402
from benchmarks.faq_blind import COLUMNS, load, regression_answers, score_answers  # noqa: E402
from tests.harness.nlu import MINILM, load_examples  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
LABELS_PER_BATCH, PER_LABEL, MAX_TOKENS = 16, 4, 48


class Encoder:
    """all-MiniLM-L6-v2 (TensorFlow), mean pooling, trainable."""

    def __init__(self) -> None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        from transformers import AutoTokenizer, TFBertModel

        self.tokenizer = AutoTokenizer.from_pretrained(str(MINILM))
        self.model = TFBertModel.from_pretrained(str(MINILM))

    def embed(self, texts: Sequence[str], training: bool = False) -> Any:
        import tensorflow as tf

        batch = self.tokenizer(list(texts), padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="tf")
        hidden = self.model(**batch, training=training).last_hidden_state
        mask = tf.cast(batch["attention_mask"], hidden.dtype)[..., None]
        pooled = tf.reduce_sum(hidden * mask, 1) / tf.maximum(tf.reduce_sum(mask, 1), 1.0)
        return tf.math.l2_normalize(pooled, axis=1)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.vstack([self.embed(texts[i : i + 64]).numpy() for i in range(0, len(texts), 64)])

    def fine_tune(self, texts: list[str], labels: list[str], epochs: int, seed: int = 42) -> float:
        """Supervised contrastive fine-tuning; returns the seconds it took."""
        import tensorflow as tf

        started = time.monotonic()
        rng = np.random.default_rng(seed)
        by_label: dict[str, list[int]] = {}
        for i, label in enumerate(labels):
            by_label.setdefault(label, []).append(i)
        names = sorted(by_label)
        steps = epochs * len(texts) // (LABELS_PER_BATCH * PER_LABEL)
        optimizer = tf.keras.optimizers.Adam(learning_rate=2e-5)
        temperature = 0.1
        for _ in range(steps):
            chosen = rng.choice(len(names), size=min(LABELS_PER_BATCH, len(names)), replace=False)
            index = [int(i) for c in chosen for i in rng.choice(by_label[names[c]], size=PER_LABEL)]
            ids = tf.constant([names.index(labels[i]) for i in index])
            with tf.GradientTape() as tape:
                z = self.embed([texts[i] for i in index], training=True)
                logits = tf.matmul(z, z, transpose_b=True) / temperature
                n = tf.shape(z)[0]
                not_self = 1.0 - tf.eye(n)
                same = tf.cast(tf.equal(ids[:, None], ids[None, :]), tf.float32) * not_self
                logits = logits - 1e9 * tf.eye(n)
                log_prob = logits - tf.reduce_logsumexp(logits, axis=1, keepdims=True)
                loss = -tf.reduce_mean(tf.reduce_sum(same * log_prob, 1) / tf.maximum(tf.reduce_sum(same, 1), 1.0))
            grads = tape.gradient(loss, self.model.trainable_variables)
            optimizer.apply_gradients(zip(grads, self.model.trainable_variables))
        return time.monotonic() - started


def head_answers(
    train_vecs: np.ndarray, train_texts: list[str], labels: list[str], vecs: np.ndarray, asked: list[str]
) -> list[tuple[str, list[str]]]:
    """The plain peer's head (faq_blind.regression_answers) on these embeddings."""
    tfidf = tfidf_encoder(train_texts)
    return regression_answers(train_vecs, tfidf(train_texts), labels, vecs, tfidf(asked))


def both(train: list[tuple[str, str]], items: list[dict[str, str]], epochs: int) -> dict[str, Any]:
    """The plain peer and the fine-tuned one, trained on `train`, scored on `items`."""
    texts, labels = [t for t, _ in train], [label for _, label in train]
    asked = [m["text"] for m in items]
    encoder = Encoder()
    plain = head_answers(encoder.encode(texts), texts, labels, encoder.encode(asked), asked)
    seconds = encoder.fine_tune(texts, labels, epochs)
    tuned = head_answers(encoder.encode(texts), texts, labels, encoder.encode(asked), asked)
    return {"plain": plain, "fine-tuned": tuned, "fine-tuning seconds": round(seconds)}


def brief(figures: dict[str, dict[str, Any]]) -> str:
    return json.dumps({name: {column: got[column] for column in COLUMNS} for name, got in figures.items()})


def write_tables(out: dict[str, Any]) -> None:
    """contrastive_peer.md: one row per set and system, the blind FAQ table's columns."""
    sets = {
        "dev": "blind development half",
        "cv": f"{out.get('folds', 5)}-fold cross-validation",
        "report": "blind reporting half",
    }
    lines = [
        "# MiniLM fine-tuned on the project's labelled examples (SetFit-style), side by side",
        "",
        f"Written by `benchmarks/contrastive_peer.py`: {out['examples']} training examples, {out['epochs']} epoch(s) of"
        f" supervised contrastive fine-tuning ({out['fine-tuning seconds']} s on all of data/nlu); the same logistic"
        " regression head (embedding + word and character TF-IDF, 0.5 floor) on the original and the tuned MiniLM.",
        "",
        "| set | MiniLM | " + " | ".join(COLUMNS) + " |",
        "|---|---|" + "---|" * len(COLUMNS),
    ]
    for key, name in sets.items():
        for system in out.get(key, {}):
            row = out[key][system]
            lines.append(f"| {name} (n={row['n']}) | {system} | " + " | ".join(str(row[c]) for c in COLUMNS) + " |")
    (RESULTS / "contrastive_peer.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--report", action="store_true", help="also score the reporting half (once)")
    ap.add_argument("--tables-only", action="store_true", help="rewrite contrastive_peer.md from the JSON")
    args = ap.parse_args()
    if args.tables_only:
        write_tables(json.loads((RESULTS / "contrastive_peer.json").read_text()))
        return
    train = load_examples(ROOT / "data" / "nlu")
    out: dict[str, Any] = {"epochs": args.epochs, "examples": len(train), "folds": args.folds}
    halves = ["dev"] + (["report"] if args.report else [])
    items = {half: load(half) for half in halves}
    joined = [m for half in halves for m in items[half]]
    run = both(train, joined, args.epochs)
    out["fine-tuning seconds"] = run["fine-tuning seconds"]
    start = 0
    for half in halves:
        end = start + len(items[half])
        out[half] = {name: score_answers(items[half], run[name][start:end]) for name in ("plain", "fine-tuned")}
        start = end
        print(half, brief(out[half]), flush=True)
    if args.folds:
        rng = np.random.default_rng(7)
        fold_of = rng.permutation(len(train)) % args.folds
        answers: dict[str, list[tuple[str, list[str]]]] = {"plain": [], "fine-tuned": []}
        gold: list[dict[str, str]] = []
        for fold in range(args.folds):
            held = [{"text": t, "label": label} for (t, label), f in zip(train, fold_of) if f == fold]
            run = both([e for e, f in zip(train, fold_of) if f != fold], held, args.epochs)
            for name in answers:
                answers[name] += run[name]
            gold += held
            print(f"fold {fold + 1}: fine-tuning {run['fine-tuning seconds']} s", flush=True)
        out["cv"] = {name: score_answers(gold, got) for name, got in answers.items()}
        print("cv", brief(out["cv"]), flush=True)
    (RESULTS / "contrastive_peer.json").write_text(json.dumps(out, indent=1) + "\n")
    write_tables(out)


if __name__ == "__main__":
    main()
