"""A second reading of report-or-not: all-MiniLM-L6-v2 itself fine-tuned on the training data.

Written for the warning-sign check (components/warning_signs.py), Rasa Open Source 3.6 / TensorFlow 2.12
/ transformers 4.36.

Why: the check's GRU networks read the featurizer's frozen token vectors, and on strangers' words they
still took many harmless messages for reports ("day 2 and the little bruise is already fading", "scared
I'll get an infection before my appointment"). Fine-tuning the transformer's own six layers on the same
examples (a masked mean of its last states, one logistic unit) lets it learn what turns a symptom word
into a report: tense, "what if", "no", "went after an hour". On the fourteen development blind sets,
with thresholds chosen the same way (every report kept), the geometric mean of the networks and this
reader escalated 120-128 of 1,526 look-alikes against 173 for the networks alone
(benchmarks/results/configs_tried.md, 2026-12-05 evening).

Cost: a reader trains in about 2-4 minutes alone on 2 cores, and in 9-13 minutes inside a model's training,
where the three readers train side by side with the check's networks (ReaderTraining; 2026-12-07 on the
project's machine: 546-751 s each), one transformer call (a compiled graph) per message that the check
reads as possibly a report, and the fine-tuned weights in the model archive as float16
(about 21 MB: the embeddings are not stored, they stay the pretrained ones); the tokenizer and the
architecture come from the same local copy the featurizer uses.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import random
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Optional

import numpy as np

MAX_TOKENS = 64  # as the GRU networks: the first 64 word pieces carry the report
BATCH = 32
PREDICT_BATCH = 64
# TensorFlow threads of a process that trains one reader beside others, on 2 cores (ReaderTraining).
READER_THREADS = 1
PARENT_CHECK_SECONDS = 1.0  # how often a reader's process checks that the training that started it still runs

logger = logging.getLogger(__name__)


class ReportReader:
    """The fine-tuned transformer with its output unit: `train` once, or built from stored `weights`."""

    def __init__(self, model_path: str, weights: Optional[Sequence[np.ndarray]] = None) -> None:
        import tensorflow as tf
        from transformers import BertTokenizerFast, TFBertModel

        self.tokenizer = BertTokenizerFast.from_pretrained(model_path)
        self.bert = TFBertModel.from_pretrained(model_path)
        self.head = tf.keras.layers.Dense(1)
        self._probabilities(*self._encode(["warm up"]))  # builds every layer, so weights can be set
        if weights is not None:
            self.set_weights(weights)

    def _encode(self, texts: Sequence[str]) -> tuple[Any, Any]:
        import tensorflow as tf

        encoded = self.tokenizer(list(texts), padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="np")
        return tf.constant(encoded["input_ids"], tf.int32), tf.constant(encoded["attention_mask"], tf.int32)

    def _logits(self, token_ids: Any, attention_mask: Any, training: bool) -> Any:
        import tensorflow as tf

        states = self.bert(input_ids=token_ids, attention_mask=attention_mask, training=training)[0]
        mask = tf.cast(attention_mask, tf.float32)[:, :, None]
        mean = tf.reduce_sum(states * mask, axis=1) / tf.reduce_sum(mask, axis=1)
        return self.head(mean)[:, 0]

    def _probabilities(self, token_ids: Any, attention_mask: Any) -> np.ndarray:
        if not hasattr(self, "_compiled"):
            import tensorflow as tf

            spec = tf.TensorSpec([None, None], tf.int32)

            @tf.function(input_signature=[spec, spec], reduce_retracing=True)
            def compiled(ids: Any, mask: Any) -> Any:
                return tf.sigmoid(self._logits(ids, mask, training=False))

            self._compiled = compiled
        return self._compiled(token_ids, attention_mask).numpy()

    def _trained_variables(self) -> list[Any]:
        # The six layers and the output unit. The word-piece embeddings stay as they are (half the model's
        # weights, and a word the training data never shows keeps its pretrained meaning); the pooler is
        # not used (the mean of the states is).
        return [
            v for v in self.bert.trainable_variables if "/pooler/" not in v.name and "/embeddings/" not in v.name
        ] + self.head.trainable_variables

    def weights(self) -> list[np.ndarray]:
        """Every weight the reader learnt, as float16 (half the size; probabilities move by < 0.01)."""
        return [np.asarray(v.numpy(), dtype=np.float16) for v in self._trained_variables()]

    def set_weights(self, weights: Sequence[np.ndarray]) -> None:
        variables = self._trained_variables()
        if len(variables) != len(weights):
            raise ValueError(f"the stored reader has {len(weights)} arrays, this architecture {len(variables)}")
        for variable, value in zip(variables, weights):
            variable.assign(np.asarray(value, dtype=np.float32))

    def train(self, texts: Sequence[str], is_report: np.ndarray, epochs: int, learning_rate: float, seed: int) -> None:
        """Fine-tune on (text, report or not), reports weighted by the square root of the class ratio."""
        import tensorflow as tf

        tf.keras.utils.set_random_seed(seed)
        self.head.kernel.assign(tf.keras.initializers.GlorotUniform(seed=seed)(self.head.kernel.shape))
        self.head.bias.assign(tf.zeros_like(self.head.bias))
        labels = np.asarray(is_report, dtype=np.float32)
        reports = max(float(labels.sum()), 1.0)
        report_weight = float(np.sqrt((len(labels) - reports) / reports))
        optimizer = tf.keras.optimizers.Adam(learning_rate)
        variables = self._trained_variables()

        @tf.function(reduce_retracing=True)
        def step(ids: Any, mask: Any, y: Any) -> Any:
            with tf.GradientTape() as tape:
                logits = self._logits(ids, mask, training=True)
                weight = tf.where(y > 0, report_weight, 1.0)
                loss = tf.reduce_mean(weight * tf.nn.sigmoid_cross_entropy_with_logits(y, logits))
            optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
            return loss

        # Batches of similar length (less padding), in a new order each epoch.
        by_length = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        batches = [by_length[i : i + BATCH] for i in range(0, len(by_length), BATCH)]
        shuffle = random.Random(seed)
        for _ in range(epochs):
            shuffle.shuffle(batches)
            for batch in batches:
                step(*self._encode([texts[i] for i in batch]), tf.constant(labels[batch]))

    def probability(self, text: str) -> float:
        """The reader's probability that this message reports a problem."""
        return float(self._probabilities(*self._encode([text]))[0])

    def probabilities(self, texts: Sequence[str]) -> list[float]:
        """Many messages at once, in batches of similar length (benchmarks, tests)."""
        found = [0.0] * len(texts)
        by_length = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(by_length), PREDICT_BATCH):
            batch = by_length[start : start + PREDICT_BATCH]
            for i, p in zip(batch, self._probabilities(*self._encode([texts[i] for i in batch]))):
                found[i] = float(p)
        return found


def _trained_weights(
    model_path: str, texts: list[str], is_report: np.ndarray, epochs: int, learning_rate: float, seed: int
) -> tuple[list[np.ndarray], float]:
    """One reader loaded and trained in a process of its own, on READER_THREADS threads.

    Returns its weights as stored (float16) and the seconds it took to load and train."""
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(READER_THREADS)
    tf.config.threading.set_inter_op_parallelism_threads(READER_THREADS)
    start = time.monotonic()
    reader = ReportReader(model_path)
    reader.train(texts, is_report, epochs, learning_rate, seed)
    return reader.weights(), time.monotonic() - start


def _leave_with_parent(parent: int) -> None:
    """Run in each reader's process: end it when the process that started it has gone.

    Why: a reader's process outlives a `rasa train` that is killed (SIGKILL, or a CI job stopped), and a
    forgotten reader keeps training for many minutes beside whatever runs next (found 2026-12-07: two
    readers ran 90 minutes after their training was killed). The standard library has no option for
    this; Linux's PR_SET_PDEATHSIG fires when the parent's *thread* ends, not the process, so the
    worker watches its parent's pid instead.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="leave-with-parent", daemon=True).start()


def _run_and_send(send: Connection, parent: int, function: Callable[..., Any], args: tuple) -> None:
    """In the new process: watch the parent, run the job, send back ("ok", result) or ("error", text)."""
    _leave_with_parent(parent)
    try:
        send.send(("ok", function(*args)))
    except BaseException:
        send.send(("error", traceback.format_exc()))
    finally:
        send.close()


def start_in_own_process(function: Callable[..., Any], *args: Any) -> tuple[BaseProcess, Connection]:
    """`function(*args)` in a spawned process that ends with the one starting it; read its result from the
    returned connection. Spawned: TensorFlow's threads do not survive a fork, and `_leave_with_parent`
    needs the starting process itself as the parent (a forkserver's children have the server as theirs).
    One process and one pipe per job, not a pool: a process that dies mid-job (killed for memory) shows as
    the end of its pipe, where a multiprocessing Pool would wait for its result for ever."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_run_and_send, args=(send, os.getpid(), function, args), daemon=True)
    process.start()
    send.close()  # only the child's copy stays open: its end (or its death) is the pipe's end
    return process, receive


class ReaderTraining:
    """The readers fine-tuned in processes of their own, while the caller trains something else.

    Why: TensorFlow 2.12 keeps about 1.2 of 2 cores busy while it fine-tunes one reader (measured
    2026-12-06: 85 s of CPU in 72 s), and Rasa 3.6 trains one graph node at a time, so three readers one
    after the other left the check at ~18 of the model's ~23 minutes on a 2-core machine. A reader trained
    alone in a new process has the same weights, bit for bit, as one trained after another in one process
    (each sets its own seeds; checked 2026-12-06), so the model is the same as before. Processes are
    spawned, not forked: TensorFlow's threads do not survive a fork; they end with the training that
    started them (`_leave_with_parent`). One process per reader, each on one TensorFlow thread (set before
    the reader is built: TensorFlow fixes its thread pools at first use), so no reader waits for another
    to finish (`reader_seeds` sets how many processes: `start_in_own_process`). A whole training's weights
    were the same bit for bit as with TensorFlow's default threads (2026-12-07,
    benchmarks/results/configs_tried.md). A training that fails stops its readers (`close`) instead of
    waiting for them.
    """

    def __init__(
        self,
        model_path: str,
        texts: Sequence[str],
        is_report: np.ndarray,
        epochs: int,
        learning_rate: float,
        seeds: Sequence[int],
    ) -> None:
        self.model_path = model_path
        # One process per reader, each on one thread: none waits for another to finish.
        self._runs = [
            start_in_own_process(
                _trained_weights, model_path, list(texts), np.asarray(is_report), epochs, learning_rate, seed
            )
            for seed in seeds
        ]

    def close(self) -> None:
        """Stop every reader still training (the training around them failed): nothing is left running."""
        for process, _ in self._runs:
            if process.is_alive():
                process.terminate()
        for process, receive in self._runs:
            process.join()
            receive.close()

    def readers(self) -> list[ReportReader]:
        """Wait for every reader; in the seeds' order. The first that fails stops the others."""
        waited = time.monotonic()
        results: dict[int, Any] = {}
        pending = {id(receive): i for i, (_, receive) in enumerate(self._runs)}
        try:
            while pending:
                for ready in wait([self._runs[i][1] for i in pending.values()]):
                    i = pending.pop(id(ready))
                    try:
                        status, value = self._runs[i][1].recv()
                    except EOFError:  # the process died without a word (killed, say): its pipe ended
                        self._runs[i][0].join(timeout=10)
                        status, value = "error", f"its process ended (exit code {self._runs[i][0].exitcode})"
                    if status != "ok":
                        raise RuntimeError(f"reader {i} failed: {value}")
                    results[i] = value
        finally:
            self.close()
        results_in_order = [results[i] for i in range(len(self._runs))]
        logger.info(
            "readers trained in %s s each; waited %.0f s for them after the networks",
            ", ".join(f"{seconds:.0f}" for _, seconds in results_in_order),
            time.monotonic() - waited,
        )
        return [ReportReader(self.model_path, weights) for weights, _ in results_in_order]


class ReaderPanel:
    """Several readers asked about one message in one compiled call, not one after another.

    The check averages three readers (components/warning_signs.second_reading); called in turn they cost
    three graph calls and three tokenizations for every message read twice (warning-sign messages parsed
    x2.6 slower with the check than without it, 2026-12-06). In one graph TensorFlow runs the three
    independent readers side by side on its inter-op threads, from one tokenization (the readers share
    the tokenizer: one local model). Each reader's own computation is unchanged.
    """

    def __init__(self, readers: Sequence[ReportReader]) -> None:
        self.readers = list(readers)
        self._compiled: Any = None
        if self.readers:
            self.probabilities("warm up")  # traced now, not on a patient's first message

    def probabilities(self, text: str) -> list[float]:
        """Each reader's probability that this message reports a problem, in the readers' order."""
        if not self.readers:
            return []
        if self._compiled is None:
            import tensorflow as tf

            spec = tf.TensorSpec([None, None], tf.int32)

            @tf.function(input_signature=[spec, spec], reduce_retracing=True)
            def compiled(ids: Any, mask: Any) -> Any:
                return tf.stack([tf.sigmoid(r._logits(ids, mask, training=False)) for r in self.readers])

            self._compiled = compiled
        found = self._compiled(*self.readers[0]._encode([text])).numpy()
        return [float(p[0]) for p in found]
