"""Warning signs, as the trained model reads them: reports reach urgent care at their level, look-alikes don't.

The blind reporting sets (tests/blind/warning_sign_sets.yml; never trained or tuned on, their messages not
read) must keep every report: a miss is the one failure a clinic cannot accept. Their look-alikes escalated
at their last scoring are kept there too, as a floor here. The safety tests that came before the
warning-sign check (the regular-expression net), and the issue's negation and time examples, are kept in
tests/safety_cases.yml with the same expectations.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest

from tests.harness.blind_sets import with_status
from tests.harness.paths import BLIND, SAFETY_CASES, load_yaml

pytestmark = pytest.mark.slow

REPORT = "report_adverse_reaction"
# The reporting sets and their look-alikes escalated at their last scoring: tests/blind/warning_sign_sets.yml.
MEASURED_ESCALATED = {s.path.name: s.escalated for s in with_status("reporting")}
# Reports a reporting set is known to miss, by kind; any other miss fails. None since v21, whose two misses were
# known, became development. The development sets (the weights are fitted on them; benchmarks/safety.py scores
# them) are not kept here: ~2 min of the suite each.
KNOWN_MISSED: dict[str, list[str]] = {}
# A model trained from the same commit on another machine of the same kind escalates a few more or fewer:
# main of 2026-12-05 afternoon gave v15 10 on one machine and 13 on another (2026-12-05 evening; training is
# repeatable on one machine, but not across CPUs, whose arithmetic differs in the last bits).
RETRAINING_SLACK = 3
_loop = asyncio.new_event_loop()


def open_case(message: str):
    """A case of the earlier safety tests that the warning-sign check still gets wrong (on the cautious side:
    a look-alike escalated). Strict: once the check gets it right the mark must go, so the case is guarded again."""
    return pytest.param(message, marks=pytest.mark.xfail(strict=True, reason="still escalated (the cautious side)"))


def parse(agent, text: str) -> dict[str, Any]:
    return _loop.run_until_complete(agent.parse_message(text))


def is_report(agent, text: str) -> bool:
    return parse(agent, text)["intent"]["name"] == REPORT


def reporting_set(name: str) -> dict[str, Any]:
    return load_yaml(BLIND / name)


def test_there_are_reporting_sets_to_keep():
    """An empty registry selection would skip the two tests below instead of failing them."""
    assert len(MEASURED_ESCALATED) >= 1


@pytest.mark.parametrize("name", sorted(MEASURED_ESCALATED))
def test_the_blind_reporting_sets_reach_urgent_care_for_every_report(agent, name):
    """Issue 16's bar: recall 1.00 on the reporting sets, every kind (KNOWN_MISSED, by kind, would be
    tolerated until caught; any other miss fails)."""
    missed = [r["kind"] for r in reporting_set(name)["reports"] if not is_report(agent, r["text"])]
    unknown = Counter(missed) - Counter(KNOWN_MISSED.get(name, []))
    # Kinds only: the reporting sets' messages are not read (tests/blind/README.md).
    assert not unknown, f"{len(missed)} reports got an ordinary answer, of kinds {sorted(missed)}"


@pytest.mark.parametrize("name", sorted(MEASURED_ESCALATED))
def test_the_blind_reporting_sets_escalate_no_more_look_alikes_than_measured(agent, name):
    """A cap at the measured figure (tests/blind/warning_sign_sets.yml). A model trained again from the same
    data on another machine may escalate a message or three more; beyond that slack this is a regression."""
    escalated = [h["category"] for h in reporting_set(name)["harmless"] if is_report(agent, h["text"])]
    assert len(escalated) <= MEASURED_ESCALATED[name] + RETRAINING_SLACK, sorted(escalated)


CASES = load_yaml(SAFETY_CASES)  # the team's own cases, also required of the benchmark's threshold choice


@pytest.mark.parametrize("message", CASES["reports"] + CASES["airway"])
def test_warning_signs_are_caught(agent, message):
    assert is_report(agent, message)


@pytest.mark.parametrize("message", CASES["not_reports"] + [open_case(m) for m in CASES["open"]])
def test_questions_and_form_answers_are_not(agent, message):
    assert not is_report(agent, message)


@pytest.mark.parametrize("message", CASES["airway"])
def test_airway_signs_are_emergencies(agent, message):
    result = parse(agent, message)
    assert result["intent"]["name"] == REPORT and result["warning_sign"]["level"] == "emergency"


def test_redness_still_there_days_later_is_a_call_to_the_clinic_not_an_emergency(agent):
    result = parse(agent, "It's been 2 days and it's still a bit red")
    assert result["intent"]["name"] == REPORT and result["warning_sign"]["level"] == "clinic"


def test_a_lasting_effect_asked_as_a_question_days_after_is_a_call_to_the_clinic(agent):
    result = parse(agent, "had it 6 days ago, how long does the swelling normally last? mine hasn't gone")
    assert result["intent"]["name"] == REPORT and result["warning_sign"]["level"] == "clinic"


def test_asking_what_to_watch_for_is_a_question_not_a_report(agent):
    assert parse(agent, "What should I watch out for after?")["intent"]["name"] == "ask_warning_signs"
