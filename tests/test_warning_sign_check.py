"""The warning-sign check as a component: hand-made sentence vectors, no trained model needed.

What a patient would notice is checked on the trained model in tests/test_warning_signs.py; here:
a report is told from a look-alike by meaning, the classifier's leaning lowers the check's bar but never makes a
report alone, a classifier report the check does not back gets its next intent, the level is the
most urgent of the likely kinds, and a saved check loads and judges the same.
"""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.warning_signs import WarningSignCheck, level_of

RNG = np.random.default_rng(7)
CENTRES = {name: RNG.normal(size=16) for name in ("anaphylaxis", "lasting_effects", "question", "chat")}


def example(text: str, centre: str, intent: str, kind: str = None) -> Message:
    """A training example: intent as a name, the catalogue block's kind in its metadata."""
    m = message(text, centre)
    m.set("intent", intent)
    if kind:
        m.set("metadata", {"intent": {"warning_sign": kind}})
    return m


def message(text: str, centre: str, intent: str = None, confidence: float = 0.9) -> Message:
    """A message to judge, as the classifiers before the check leave it."""
    m = Message(data={"text": text})
    if intent:
        m.set("intent", {"name": intent, "confidence": confidence})
        m.set(
            "intent_ranking",
            [{"name": intent, "confidence": confidence}, {"name": "faq", "confidence": 1 - confidence}],
        )
    tokens = (CENTRES[centre] + RNG.normal(scale=0.3, size=(3, 16))).astype(np.float32)
    m.add_features(Features(tokens, "sequence", "text", "minilm"))
    return m


@pytest.fixture(scope="module")
def trained_check(tmp_path_factory):
    """The toy check, trained once for the module (a training costs ~25 s on 2 cores)."""
    storage, resource = LocalModelStorage(tmp_path_factory.mktemp("check")), Resource("warning_signs")
    config = {
        **WarningSignCheck.get_default_config(),
        "featurizers": ["minilm"],
        "units": 8,
        "hidden_units": 8,
        "epochs": 30,
        "ensemble": 2,
    }
    component = WarningSignCheck.create(config, storage, resource, None)
    training = (
        [example(f"r{i}", "anaphylaxis", "report_adverse_reaction", "anaphylaxis") for i in range(20)]
        + [example(f"l{i}", "lasting_effects", "report_adverse_reaction", "lasting_effects") for i in range(20)]
        + [example(f"u{i}", "anaphylaxis", "report_adverse_reaction") for i in range(3)]
        + [example(f"q{i}", "question", "faq") for i in range(30)]
        + [example(f"c{i}", "chat", "greet") for i in range(30)]
    )
    component.train(TrainingData(training))
    return component, config, storage, resource


@pytest.fixture
def check(trained_check):
    """The trained toy check as stored, loaded afresh for each test: tests change its settings."""
    _, config, storage, resource = trained_check
    return WarningSignCheck.load(dict(config), storage, resource, None), config, storage, resource


def judged(component, m: Message) -> Message:
    return component.process([m])[0]


def test_a_described_warning_sign_becomes_a_report_with_its_level(check):
    component = check[0]
    out = judged(component, message("my lips are huge", "anaphylaxis", "faq", confidence=0.95))
    assert out.get("intent") == {"name": "report_adverse_reaction", "confidence": 1.0}
    assert out.get("warning_sign")["kind"] == "anaphylaxis" and out.get("warning_sign")["level"] == "emergency"
    lasting = judged(component, message("still red on day 4", "lasting_effects", "faq"))
    assert lasting.get("warning_sign")["level"] == "clinic"


def test_a_look_alike_keeps_its_answer_and_a_weak_diet_report_goes_to_the_next_intent(check):
    component = check[0]
    question = judged(component, message("what if my lips swell", "question", "faq"))
    assert question.get("intent")["name"] == "faq" and not question.get("warning_sign")["reported"]
    weak = judged(component, message("what if my lips swell", "question", "report_adverse_reaction", confidence=0.6))
    assert weak.get("intent")["name"] == "faq"
    assert all(r["name"] != "report_adverse_reaction" for r in weak.get("intent_ranking"))


def test_the_weighed_score_lets_a_sure_classifier_and_a_doubtful_check_meet_in_between():
    """components/report_decision.py: every reading counts by its weight; no one reading decides alone."""
    from components.report_decision import REPORT_INTENT, decide, log_odds

    networks_only = {"constant": 0.0, "networks": 1.0}
    assert decide(0.6, 0.6, 0.0, "faq", 1.0, networks_only) is True
    assert decide(0.4, 0.4, 0.0, "faq", 1.0, networks_only) is None  # not a report: the intent stays
    assert decide(0.1, 0.1, 0.99, REPORT_INTENT, 1.0, networks_only) is False  # the classifier alone: demoted
    assert decide(0.9, None, 0.0, "faq", 1.0, networks_only) is None  # not read twice: nothing pointed to a report
    together = {"constant": 0.0, "networks": 1.0, "classifier": 1.0}
    assert decide(0.3, 0.3, 0.8, REPORT_INTENT, 1.0, together) is True  # log-odds -0.85 + 1.39
    assert decide(0.3, 0.3, 0.6, REPORT_INTENT, 1.0, together) is False  # -0.85 + 0.41
    # a first choice, and how clearly one kind is named, count when the weights say so
    named = {"constant": -1.0, "first_choice": 0.5, "clearest_kind": 1.0}
    assert decide(0.5, 0.5, 0.5, REPORT_INTENT, 0.8, named) is True
    assert decide(0.5, 0.5, 0.5, REPORT_INTENT, 0.17, named) is False  # "and the thing with my friend"
    assert abs(log_odds(0.0)) < 10 and abs(log_odds(1.0)) < 10  # clipped: one certain reading cannot decide alone


@pytest.mark.parametrize(
    "text, hours",
    [
        ("my face is a bit red an hour after the treatment", 1.0),
        ("the bumps are still there after 3 days", 72.0),
        ("5 days later and still swollen", 120.0),
        ("day 3 and the redness hasn't gone", 48.0),
        ("a week on and my forehead is still tender", 168.0),
        ("my cheeks are red", None),
        ("it's red now, I'll see how it is tomorrow", None),
        ("it's been a few hours and the redness is still there", 3.0),  # not "hours and the" = midnight
        ("a couple of days later still swollen", 48.0),
    ],
)
def test_the_time_since_treatment_is_read_from_the_message(text, hours):
    from datetime import datetime

    from components.warning_signs import hours_since_mentioned

    found = hours_since_mentioned(text, now=datetime(2026, 12, 1, 18, 0))
    assert found == (None if hours is None else pytest.approx(hours, abs=0.1))


@pytest.mark.parametrize(
    "text", ["lips swelling since 3pm PST, treated 2 hours ago", "is a cracked windscreen an MOT fail? my face is red"]
)
def test_a_word_read_as_a_time_zone_does_not_break_the_reading(text):
    """dateparser reads "PST", and "MOT" in "an MOT", as time zones and returns zone-aware dates: compared
    with a naive "now" they raised TypeError, which would have failed the parse of a report."""
    from datetime import datetime

    from components.warning_signs import hours_since_mentioned

    found = hours_since_mentioned(text, now=datetime(2026, 12, 1, 18, 0))
    assert found is None or found >= 0


def test_a_lasting_effect_told_hours_after_treatment_is_the_expected_effect():
    """The article: mild redness or swelling settles within a few hours. Only the clinic level is timed."""
    from components.warning_signs import expected_in_its_time

    config = {"expected_within_hours": 12}
    assert expected_in_its_time("clinic", "a bit red an hour after the treatment", config)[0] is True
    assert expected_in_its_time("clinic", "still red 4 days after the treatment", config)[0] is False
    assert expected_in_its_time("clinic", "still a bit red", config)[0] is False  # no time: not judged
    assert expected_in_its_time("urgent", "pus and fever an hour after", config)[0] is False
    assert expected_in_its_time("emergency", "can't breathe, 10 minutes after", config)[0] is False


def test_a_saved_check_loads_and_judges_the_same(trained_check):
    component, config, storage, resource = trained_check
    loaded = WarningSignCheck.load(config, storage, resource, None)
    probe = message("my lips are huge", "anaphylaxis", "faq")
    tokens = np.ones((3, 16), np.float32) * 0.1
    assert loaded.judge(np.ones(16) * 0.1, tokens) == component.judge(np.ones(16) * 0.1, tokens)
    assert judged(loaded, probe).get("warning_sign")["kind"] == "anaphylaxis"


def test_the_most_urgent_likely_kind_sets_the_level():
    levels = {"blocked_vessel": "urgent", "vision": "emergency", "lasting_effects": "clinic"}
    assert level_of({"blocked_vessel": 0.6, "vision": 0.3, "lasting_effects": 0.1}, levels, 0.25) == "emergency"
    assert level_of({"blocked_vessel": 0.8, "vision": 0.1, "lasting_effects": 0.1}, levels, 0.25) == "urgent"
    assert level_of({"lasting_effects": 0.9, "vision": 0.1}, levels, 0.25) == "clinic"
    # An emergency kind needs less: a vision report read mostly as a lasting effect stays an emergency,
    # while an urgent kind at the same share does not lift a lasting effect (the expected-effect veto stays).
    assert level_of({"lasting_effects": 0.64, "vision": 0.24}, levels, 0.25, 0.1) == "emergency"
    assert level_of({"lasting_effects": 0.72, "bleeding": 0.24}, levels, 0.25, 0.1) == "clinic"
    # An urgent kind's own lower bar (config.yml's urgent_share): a report read partly as a lasting effect
    # goes to the urgent line, not to opening hours.
    assert level_of({"lasting_effects": 0.33, "skin_breakdown": 0.21}, levels, 0.25, 0.1, 0.15) == "urgent"
    assert level_of({"lasting_effects": 0.9, "bleeding": 0.1}, levels, 0.25, 0.1, 0.15) == "clinic"


def readings_parse(text: str, networks: float, reader: float, confidence: float = 0.1) -> dict:
    """A parse as benchmarks/safety.py replays it: the check's readings of an urgent kind."""
    found = {"networks": networks, "reader": reader, "intent_confidence": confidence, "classified_as": "faq"}
    return {"text": text, "warning_sign": {**found, "kinds": {"bleeding": 1.0}, "level": "urgent"}}


def blind_set(rng: np.random.Generator, hard: float | None = None) -> tuple[list[dict], list[dict]]:
    """Twenty reports read high and twenty look-alikes read low; `hard`: one more report read that low."""
    items, parses = [], []
    for i in range(20):
        items.append({"report": True, "kind": "bleeding", "text": f"r{i}"})
        parses.append(readings_parse(f"r{i}", *rng.uniform(0.6, 0.99, 2)))
        items.append({"report": False, "category": "question", "text": f"h{i}"})
        parses.append(readings_parse(f"h{i}", *rng.uniform(0.01, 0.5, 2)))
    if hard is not None:
        items.append({"report": True, "kind": "bleeding", "text": "hard"})
        parses.append(readings_parse("hard", hard, hard))
    return items, parses


def test_the_fitted_weights_catch_every_development_report_and_the_teams_own_cases():
    """benchmarks/safety.py choose_weights: the bar sits below the lowest development report and the
    team's own reports; the margin is the smallest with the fewest reports missed when each set in turn
    is left out of the fit."""
    from benchmarks.safety import MARGINS, check_config, choose_weights, replay

    rng = np.random.default_rng(0)
    config = check_config()
    sets = {"a": blind_set(rng), "b": blind_set(rng), "c": blind_set(rng, hard=0.45)}
    kept = [
        (readings_parse("it looks infected", 0.55, 0.55), True),
        (readings_parse("went after an hour", 0.05, 0.1), False),
    ]
    chosen = choose_weights(sets, config, kept)
    assert chosen["recall"] == 1.0 and chosen["kept_right"] == 2
    settings = {**config, "weights": chosen["weights"]}
    assert replay(readings_parse("hard", 0.45, 0.45), settings)
    assert not replay(readings_parse("x", 0.02, 0.02), settings)
    left_out = {float(m): r["missed"] for m, r in chosen["left_out_in_turn"].items()}
    assert set(left_out) == set(MARGINS) and left_out[chosen["margin"]] == min(left_out.values())
    assert all(left_out[m] > left_out[chosen["margin"]] for m in MARGINS if m < chosen["margin"])
    # the hard report is missed out of sample at the smallest margin, so the margin counts it
    assert left_out[0.0] >= 1


def test_the_seed_spread_benchmark_scores_each_draw_on_the_reporting_sets_and_joins_two_draws():
    """benchmarks/seed_spread.py: weights chosen on the development sets of each draw, replayed on a reporting
    set (a report read far below every development report is counted missed, with its kind); the joined
    draw averages the networks' and readers' log-odds, and keeps the one reader reading a draw has."""
    from benchmarks.safety import check_config
    from benchmarks.seed_spread import as_one_ensemble, figures, joined

    rng = np.random.default_rng(2)

    def parsed(reporting_report: float) -> dict:
        sets = {name: blind_set(rng) for name in ("dev", "report", "v2")}
        items, parses = blind_set(rng)
        items.append({"report": True, "kind": "vision", "text": "low"})
        parses.append(readings_parse("low", reporting_report, reporting_report))
        sets["v14"] = (items, parses)
        rows = {n: [{"item": i, "parse": p} for i, p in zip(*pair)] for n, pair in sets.items()}
        return {"sets": rows, "kept": [{"is_report": False, "parse": readings_parse("went after an hour", 0.05, 0.1)}]}

    config = check_config()
    low, high = parsed(0.001), parsed(0.95)
    assert figures(low, config)["reporting"]["v14"]["missed_kinds"] == ["vision"]
    assert figures(high, config)["reporting_missed"] == 0
    a, b = readings_parse("x", 0.9, 0.8), readings_parse("x", 0.1, 0.8)
    b["warning_sign"]["reader"] = None
    one = as_one_ensemble(a, b)["warning_sign"]
    assert one["networks"] == pytest.approx(0.5) and one["reader"] == pytest.approx(0.8)
    both = joined(low, high)
    assert [r["item"] for r in both["sets"]["v14"]] == [r["item"] for r in low["sets"]["v14"]]
    last = both["sets"]["v14"][-1]["parse"]["warning_sign"]
    assert 0.01 < last["networks"] < 0.5  # 0.001 and 0.95 averaged in log-odds


def test_a_team_look_alike_the_time_veto_drops_is_not_pushed_down_by_the_fit(monkeypatch):
    """A team look-alike such as "a bit red an hour after the treatment", read high as a lasting effect,
    is not escalated (the time veto drops it), so the fit has nothing to correct: one fit, no boosting."""
    import sklearn.linear_model

    from benchmarks.safety import check_config, fit_weights, labelled, replay

    fits = []
    real_fit = sklearn.linear_model.LogisticRegression.fit
    monkeypatch.setattr(
        sklearn.linear_model.LogisticRegression, "fit", lambda self, *a, **k: fits.append(1) or real_fit(self, *a, **k)
    )
    config = check_config()
    items, parses = blind_set(np.random.default_rng(1))
    red = readings_parse("my face is a bit red an hour after the treatment", 0.95, 0.95)
    red["warning_sign"].update(kinds={"lasting_effects": 1.0}, level="clinic")
    weights = fit_weights(labelled(items, parses), config, 0.0, [(red, False)])
    assert not replay(red, {**config, "weights": weights})
    assert len(fits) == 1


def test_an_unsure_lasting_effect_reading_hours_after_treatment_stays_a_report_at_the_other_kinds_level():
    """A report read only partly as a lasting effect, six hours after treatment, is not dropped as the
    expected effect: it stands at the level of the other kinds (v11's allergic rash, 2026-12-05)."""
    from components.warning_signs import judged_in_its_time, kind_levels

    config = {"expected_within_hours": 12, "expected_kind_share": 0.5, "level_share": 0.25, "emergency_share": 0.1}
    text = "itchy raised rash on my cheeks since the treatment 6 hours ago"
    unsure = {"lasting_effects": 0.28, "infection_early": 0.19, "allergy_local": 0.16, "cold_sores": 0.2, "other": 0.17}
    assert judged_in_its_time(unsure, kind_levels(), text, config) == (False, "urgent", pytest.approx(6, abs=0.1))
    mostly_lasting = {"lasting_effects": 0.8, "allergy_local": 0.2}
    assert judged_in_its_time(mostly_lasting, kind_levels(), text, config)[:2] == (True, "clinic")
    days_later = "itchy raised rash on my cheeks since the treatment 6 days ago"
    assert judged_in_its_time(mostly_lasting, kind_levels(), days_later, config)[:2] == (False, "clinic")


def test_an_urgent_kinds_lower_bar_lifts_a_report_but_not_the_expected_effect():
    """urgent_share: skin breaking down read partly as a lasting effect, days later, goes to the urgent line;
    the same kind reading an hour after treatment is still the expected effect (the time veto reads the
    level before the lift): "the swelling hasn't gone down yet, it's only been an hour"."""
    from components.warning_signs import judged_in_its_time, kind_levels

    config = {
        "expected_within_hours": 12,
        "expected_kind_share": 0.5,
        "level_share": 0.25,
        "emergency_share": 0.1,
        "urgent_share": 0.15,
    }
    partly = {"lasting_effects": 0.75, "bleeding": 0.21}
    assert judged_in_its_time(partly, kind_levels(), "still swollen and oozing 5 days on", config)[:2] == (
        False,
        "urgent",
    )
    assert judged_in_its_time(partly, kind_levels(), "it's only been an hour", config)[:2] == (True, "clinic")


class FixedReader:
    """Stands in for the fine-tuned reader (tests/test_report_reader.py trains a real one): a fixed
    probability, and the messages it was asked about."""

    def __init__(self, probability: float) -> None:
        self.fixed, self.asked = probability, []

    def probability(self, text: str) -> float:
        self.asked.append(text)
        return self.fixed


class FixedPanel:
    """Stands in for components/report_reader.ReaderPanel: asks each stand-in reader in turn."""

    def __init__(self, readers: list[FixedReader]) -> None:
        self.readers = readers

    def probabilities(self, text: str) -> list[float]:
        return [reader.probability(text) for reader in self.readers]


def use_readers(component, *readers: FixedReader) -> None:
    component.readers = list(readers)
    component.panel = FixedPanel(component.readers)


def test_the_second_reading_joins_by_geometric_mean_and_only_for_possible_reports(check):
    """Both readings must find a report; a message neither the networks nor the classifier take for a
    possible report costs no second transformer call."""
    component = check[0]
    use_readers(component, FixedReader(0.04))
    component.component_config["reader_from"] = 0.5  # the toy networks read a question at ~0.2
    component.component_config["weights"] = {"constant": 0.0, "networks": 0.5, "reader": 0.5}
    report = judged(component, message("my lips are huge", "anaphylaxis", "faq", confidence=0.95))
    found = report.get("warning_sign")
    assert found["reader"] == 0.04
    assert found["report_probability"] == pytest.approx((found["networks"] * 0.04) ** 0.5, abs=1e-3)
    assert not found["reported"]  # the networks alone would say report; the second reading does not back it
    question = judged(component, message("how long does it take", "question", "faq", confidence=0.95))
    assert question.get("warning_sign")["networks"] < component.component_config["reader_from"]
    assert question.get("warning_sign")["reader"] is None
    assert component.readers[0].asked == ["my lips are huge"]


def test_misspelt_weights_are_refused():
    """A weight whose name is not a reading would silently count as nothing."""
    from components.report_decision import check_weights

    check_weights({"constant": -1.0, "networks": 0.5, "clearest_kind": 2.0})
    with pytest.raises(ValueError, match="unknown weights"):
        check_weights({"constant": -1.0, "network": 0.5})


def test_several_readers_are_averaged_in_log_odds(check):
    """Readers fine-tuned from different seeds: one sure and one doubtful meet in between; agreeing readers
    read as one."""
    component = check[0]
    use_readers(component, FixedReader(0.9), FixedReader(0.1))
    assert component.second_reading("my lips are huge", 0.9, 0.9, "faq") == pytest.approx(0.5)
    use_readers(component, FixedReader(0.8), FixedReader(0.8), FixedReader(0.8))
    assert component.second_reading("my lips are huge", 0.9, 0.9, "faq") == pytest.approx(0.8)


def test_the_reader_counts_more_for_aftercare_questions_and_is_asked_about_them(check):
    """A report asked as an aftercare question: the networks and the classifier see nothing, the reader
    does. It is asked because of the classifier's first choice, and its reading counts with the weight
    of such questions: elsewhere it was a long out-of-scope message that the reader read high."""
    from components.report_decision import decide

    weights = {"constant": -3.0, "reader": 1.0, "aftercare_question": 2.0}
    care = "ask_post_treatment_care"
    assert decide(0.09, 0.77, 0.04, care, 0.5, weights, [care]) is True  # log-odds 1.21 + 2 - 3
    assert decide(0.09, 0.5, 0.04, care, 0.5, weights, [care]) is None
    assert decide(0.09, 0.83, 0.04, "out_of_scope", 0.5, weights, [care]) is None  # not its job
    component = check[0]
    use_readers(component, FixedReader(0.84))
    component.component_config.update(reader_from=0.99, reader_also_for=["ask_post_treatment_care"])
    assert component.second_reading("should I keep pressing? still bleeding", 0.01, 0.04, "faq") is None
    assert component.second_reading(
        "should I keep pressing? still bleeding", 0.01, 0.04, "ask_post_treatment_care"
    ) == pytest.approx(0.84)


def test_with_frames_the_readers_also_learn_each_report_and_look_alike_framed(monkeypatch, tmp_path):
    """reader_frames: a framed copy of each report and each look-alike, labelled as its phrasing; other
    examples are learnt as written only."""
    import components.warning_signs as warning_signs
    from components.reader_frames import framed

    learnt: list = []

    class Recorder:
        def __init__(self, model, texts, is_report, *args):
            learnt.extend(zip(texts, is_report))

        def readers(self):
            return []

    monkeypatch.setattr(warning_signs, "ReaderTraining", Recorder)
    config = {
        **WarningSignCheck.get_default_config(),
        "featurizers": ["minilm"],
        "units": 4,
        "hidden_units": 4,
        "epochs": 1,
        "ensemble": 1,
        "reader": "a reader",
        "reader_frames": True,
    }
    component = WarningSignCheck.create(config, LocalModelStorage(tmp_path), Resource("frames"), None)
    look_alike = example("my lips might swell?", "question", "faq")
    look_alike.set("metadata", {"intent": {"look_alike": True}})
    report = "report_adverse_reaction"
    component.train(
        TrainingData(
            [example(f"my lips swell {i}", "anaphylaxis", report, "anaphylaxis") for i in range(3)]
            + [example(f"day {i} still red", "lasting_effects", report, "lasting_effects") for i in range(3)]
            + [look_alike, example("hello there", "chat", "greet")]
        )
    )
    assert (framed("my lips swell 0"), True) in learnt and (framed("day 2 still red"), True) in learnt
    assert (framed("my lips might swell?"), False) in learnt
    assert ("hello there", False) in learnt and (framed("hello there"), False) not in learnt
    assert len(learnt) == 2 * 7 + 1
