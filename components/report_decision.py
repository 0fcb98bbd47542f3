"""Report or not: one weighed score over every reading of a message (the warning-sign check's last step).

Written for Rasa Open Source 3.6 (called by components/warning_signs.WarningSignCheck.process).

Until 2026-12-06 the readings decided through four hand-set paths, each with its own bar (the check
alone, the check when the intent classifier leans to a report, the classifier alone when sure, the fine-
tuned reader alone for aftercare questions). Each path let through the look-alikes that fooled its one
reading: on the morning's parses, 19 of the 91 look-alikes that the fifteen development blind sets
escalated stood on the classifier's confidence alone, the check reading them 0.0-0.09. One logistic
score weighs the readings together instead, so a sure classifier and a doubtful check meet in between.
The weights are fitted on the development blind sets' parses by benchmarks/safety.py (`fit_weights`),
with the bar set below the lowest development report by the margin that leave-one-set-out needs;
config.yml holds them. Each development set left out of the choice in turn and scored, on one model (one
reader): 4 missed and 90/1645 look-alikes with the paths, none missed and 97/1645 weighed; with the
three readers averaged, weighed: none missed, 83/1645 (benchmarks/results/configs_tried.md).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Optional

REPORT_INTENT = "report_adverse_reaction"
# The readings, in the order of config.yml's `weights` (each weight multiplies its reading).
READINGS = (
    "networks",  # log-odds of the GRU networks' report probability
    "reader",  # log-odds of the fine-tuned reader's
    "classifier",  # log-odds of the intent classifier's confidence in report_adverse_reaction
    "first_choice",  # 1 when report_adverse_reaction is the classifier's first choice
    "aftercare_question",  # 1 when the first choice is an aftercare question (`reader_also_for`)
    "clearest_kind",  # the largest kind probability: a report names one kind clearly
)
CLIP = 1e-4  # log-odds of probabilities are clipped to [CLIP, 1 - CLIP]: about -9.2 to 9.2


def log_odds(probability: float) -> float:
    p = min(max(probability, CLIP), 1.0 - CLIP)
    return math.log(p / (1.0 - p))


def readings(
    networks: float,
    reader: float,
    intent_confidence: float,
    classified_as: Optional[str],
    clearest_kind: float,
    aftercare: Iterable[str] = (),
) -> dict[str, float]:
    """The message's readings, as the weights see them."""
    first = classified_as == REPORT_INTENT
    return {
        "networks": log_odds(networks),
        "reader": log_odds(reader),
        "classifier": log_odds(intent_confidence),
        "first_choice": float(first),
        "aftercare_question": float(classified_as in set(aftercare)),
        "clearest_kind": clearest_kind,
    }


def check_weights(weights: Mapping[str, float]) -> None:
    """A misspelt weight would silently count as 0: refuse any name that is not a reading or `constant`.
    (Rasa 3.6 merges a config.yml `weights` block into the default one key by key, so a name left out
    keeps its default: config.yml names all of them.)"""
    unknown = set(weights) - set(READINGS) - {"constant"}
    if unknown:
        raise ValueError(f"unknown weights {sorted(unknown)}: the readings are {READINGS} and constant")


def weighed(read: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """The score: a report at 0 or more (`constant` holds the bar)."""
    return weights.get("constant", 0.0) + sum(weights.get(name, 0.0) * value for name, value in read.items())


def decide(
    networks: float,
    reader: Optional[float],
    intent_confidence: float,
    classified_as: Optional[str],
    clearest_kind: float,
    weights: Mapping[str, float],
    aftercare: Iterable[str] = (),
) -> Optional[bool]:
    """True: a report. False: the classifier's first choice is a report that the score does not back
    (the message gets its next intent). None: leave the classifier's intent.

    `reader` None: the message was not read twice, because neither the networks nor the classifier took
    it for a possible report (components/warning_signs.second_reading): not a report."""
    first = classified_as == REPORT_INTENT
    if reader is not None:
        read = readings(networks, reader, intent_confidence, classified_as, clearest_kind, aftercare)
        if weighed(read, weights) >= 0.0:
            return True
    return False if first else None
