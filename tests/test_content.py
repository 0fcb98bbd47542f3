"""What patients read: every topic answered, honestly, briefly, with working buttons and real contacts."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from clinic import topics
from clinic.profile import profile
from tests.harness.paths import ROOT, load_yaml

SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
NO_FACTS_TOPICS = ("cost", "side_effects_risks", "suitability_contraindications", "not_covered")


def faq_responses(domain: dict) -> dict:
    return {k: v[0] for k, v in domain["responses"].items() if k.startswith("utter_faq/")}


def shared_tool(shared_dir, name: str) -> subprocess.CompletedProcess:
    """One of the shared checks (../shared/tools/) run on this project."""
    return subprocess.run(
        [sys.executable, str(shared_dir / "tools" / name), "--root", str(ROOT)], capture_output=True, text=True
    )


def test_taxonomy_check_passes(shared_dir):
    out = shared_tool(shared_dir, "check_taxonomy.py")
    assert out.returncode == 0, out.stdout


def test_every_answer_is_in_the_projects_own_words(shared_dir):
    out = shared_tool(shared_dir, "check_own_words.py")
    assert out.returncode == 0, out.stdout
    assert "0 line(s)" in out.stdout


def test_every_taxonomy_topic_has_a_short_answer(taxonomy, domain):
    answers = faq_responses(domain)
    # The taxonomy's topics, plus not_covered (issue 17: what the clinic's information does not cover).
    assert sorted(answers) == sorted(f"utter_faq/{t}" for t in [*taxonomy["faq"], "not_covered"])
    for name, response in answers.items():
        sentences = len(SENTENCE_END.findall(response["text"]))
        assert 2 <= sentences <= 4, f"{name} has {sentences} sentences"


@pytest.mark.parametrize("topic", NO_FACTS_TOPICS)
def test_answers_without_facts_say_so_and_offer_a_consultation(domain, topic):
    text = domain["responses"][f"utter_faq/{topic}"][0]["text"].lower()
    assert "don't have" in text or "can't" in text
    assert "consultation" in text
    if topic == "cost":
        assert not re.search(r"[£$€]\s?\d|\d+\s?(pounds|dollars|euros)", text), "invented price"


def test_safety_texts_name_emergency_and_urgent_lines_and_never_reassure():
    catalogue = load_yaml(ROOT / "data" / "content" / "warning_signs.yml")["warning_signs"]
    texts = {level: section["reply"] for level, section in catalogue["levels"].items()}
    assert "{emergency_number}" in texts["emergency"] and "now" in texts["emergency"]
    assert "{urgent_phone}" in texts["urgent"] and "can't assess" in texts["urgent"]
    for key in ("emergency", "urgent", "clinic"):
        assert "normal" not in texts[key].lower()
    assert {kind["level"] for kind in catalogue["kinds"].values()} == {"emergency", "urgent", "clinic"}


def test_care_texts_invent_no_timings():
    care = load_yaml(ROOT / "data" / "content" / "care.yml")
    flat = str(care).lower()
    assert not re.search(r"\b(\d+|one|two|three)\s*(hours?|days?|weeks?)\s*(before|after|without)", flat)
    assert "no exact number of days" in flat


def test_disclaimer_says_automated_and_not_medical_advice(domain):
    text = domain["responses"]["utter_disclaimer"][0]["text"]
    assert "automated assistant" in text and "not medical advice" in text


def test_domain_fallback_contacts_match_the_clinic_profile(domain):
    clinic = profile()
    slots = {k: v.get("initial_value") for k, v in domain["slots"].items()}
    assert slots["clinic_name"] == clinic.name
    assert slots["clinic_phone"] == clinic.phone
    assert slots["clinic_email"] == clinic.email
    assert slots["clinic_address"] == clinic.address
    assert slots["clinic_urgent_phone"] == clinic.urgent_phone
    assert slots["emergency_number"] == clinic.emergency_number


def test_topic_titles_cover_every_required_label(taxonomy):
    required = [f"faq/{t}" for t in taxonomy["faq"]]
    required += [i for i in taxonomy["intents"] if i.startswith(("ask_", "book_", "request_"))]
    assert not set(required) - set(topics.titles())


def test_every_button_uses_a_title_from_the_topic_file(domain):
    """One source for button wording: FAQ buttons send their own title; intents send /intent."""
    by_title = {title: label for label, title in topics.titles().items()}
    for name, variants in domain["responses"].items():
        if name.startswith("utter_ask_"):
            continue  # form questions: their buttons are answers, not topics
        for button in variants[0].get("buttons", []):
            assert button["title"] in by_title, f"{name}: unknown button {button['title']!r}"
            assert button == topics.button(by_title[button["title"]]), name


def test_follow_up_buttons_never_point_back_to_the_same_topic(domain):
    for name, response in faq_responses(domain).items():
        label = name[len("utter_") :]
        assert response.get("buttons"), f"{name} offers no next question"
        assert topics.titles()[label] not in [b["title"] for b in response["buttons"]]


def test_every_answer_names_its_subject_in_its_first_sentence(domain):
    """An answer given to the wrong question must still say nothing untrue (issue 17): never a bare
    "Yes." or "It can help." that would confirm whatever the patient asked."""
    for name, response in faq_responses(domain).items():
        first = re.split(r"(?<=[.:;!?])\s", response["text"], maxsplit=1)[0]
        assert "mesotherapy" in first.lower(), f"{name}: {first!r}"
        assert not re.match(r"(yes|no|not)\b", response["text"], re.IGNORECASE), name


def test_the_downtime_and_side_effect_answers_tell_a_patient_when_to_call_the_clinic():
    """A lasting effect told as a question can be taken for the downtime or side-effects question (v19's
    missed report, 2026-12-06): those answers end with the catalogue's clinic-level line, as Rasa fills
    it in from the slot's default (what a patient reads even before the session start has run)."""
    import asyncio

    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    from clinic.warning_signs import when_to_call_clinic

    domain = Domain.load(str(ROOT / "domain.yml"))
    tracker = DialogueStateTracker.from_events("patient", [], slots=domain.slots)
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    line = when_to_call_clinic(profile())
    assert "days later" in line and profile().phone in line
    for response in ("utter_faq/downtime", "utter_faq/side_effects_risks"):
        sent = asyncio.run(nlg.generate(response, tracker, "rest"))
        assert sent["text"].endswith(" " + line), response
