"""Messages in another language: detection, warning words, and the replies a patient gets (issue 18)."""

from __future__ import annotations

import pytest

from actions.languages import ActionOtherLanguage
from actions.safety import ActionUrgentCare
from clinic.profile import profile
from components.other_languages import (
    LanguageDetector,
    OtherLanguageCheck,
    WarningWords,
    decide,
    fold,
    known_share,
    load_languages,
    script_language,
)
from tests.harness.trackers import make_tracker, run_action, texts

CONTENT = load_languages()
REQUIRED = ["es", "fr", "de", "it", "pt", "ar", "pl", "ro", "ru"]  # issue 18


def test_every_required_language_has_a_notice_and_both_urgent_texts_with_the_clinic_numbers():
    clinic = profile()
    for code in REQUIRED:
        block = CONTENT["languages"][code]
        for key in ("notice", "emergency", "urgent"):
            text = block[key].format(
                phone=clinic.phone, urgent_phone=clinic.urgent_phone, emergency_number=clinic.emergency_number
            )
            assert clinic.urgent_phone in text and "{" not in text, (code, key)
        assert clinic.phone in block["notice"].format(phone=clinic.phone, urgent_phone="", emergency_number="")
        assert block["warning_words"]["emergency"] and block["warning_words"]["urgent"], code


def test_folding_ignores_accents_and_case_so_unaccented_typing_matches():
    assert fold("Höllisch WEH, lèvre, Straße, biały") == "hollisch weh, levre, strasse, bialy"


@pytest.mark.parametrize(
    "text,code,level",
    [
        ("no puedo respirar", "es", "emergency"),
        ("ma lèvre gonfle", "fr", "emergency"),
        ("ma levre gonfle beaucoup", "fr", "emergency"),
        ("sangra y no para desde hace una hora", "es", "urgent"),
        ("Eiter an der Einstichstelle und Fieber", "de", "urgent"),
        ("не могу дышать после процедуры", "ru", "emergency"),
        ("لا أستطيع التنفس بعد الجلسة", "ar", "emergency"),
        ("nie widzę na jedno oko od wczoraj", "pl", "emergency"),
        ("guby raspuhli i tyazhelo dyshat", "en", "emergency"),  # Russian in Latin letters, taken as English
    ],
)
def test_warning_words_name_the_level_in_the_patients_language(text, code, level):
    assert WarningWords(CONTENT).level(text, code) == level


@pytest.mark.parametrize(
    "text,code",
    [("¿cuánto cuesta una sesión?", "es"), ("Guten Morgen", "de"), ("quanto costa?", "it"), ("merci beaucoup", "fr")],
)
def test_ordinary_questions_and_greetings_name_no_warning_sign(text, code):
    assert WarningWords(CONTENT).level(text, code) is None


def test_arabic_and_cyrillic_letters_decide_the_language_by_themselves():
    assert script_language("هل يؤلم العلاج؟") == "ar"
    assert script_language("больно?") == "ru"
    assert script_language("does it hurt?") is None


def test_latin_script_needs_a_clear_lead_over_english_and_few_english_words():
    assert decide({"es": 0.8, "en": 0.1}, 0.0, 0.2, 0.7) == "es"
    assert decide({"es": 0.8, "en": 0.1}, 0.9, 0.2, 0.7) == "en"  # mostly words the assistant knows
    assert decide({"es": 0.35, "en": 0.3}, 0.0, 0.2, 0.7) == "en"  # lingua unsure
    assert known_share("how much is it", {"how", "much", "is", "it"}) == 1.0


KNOWN = {
    "how",
    "much",
    "is",
    "it",
    "does",
    "hurt",
    "can",
    "i",
    "book",
    "my",
    "name",
    "tues",
    "pm",
    "ok",
    "yes",
    "please",
    "the",
    "downtime",
    "long",
    "results",
    "last",
}


@pytest.fixture(scope="module")
def detector():
    return LanguageDetector(CONTENT["languages"], KNOWN, margin=0.2, known_below=0.7)


@pytest.mark.parametrize(
    "text,code",
    [
        ("¿cuánto duran los resultados de la mesoterapia?", "es"),
        ("combien de séances faut-il prévoir ?", "fr"),
        ("Wie lange halten die Ergebnisse?", "de"),
        ("هل يؤلم العلاج؟", "ar"),
        ("сколько стоит процедура?", "ru"),
        ("how long do the results last?", "en"),
        ("ok", "en"),
        ("Tues 3pm", "en"),
        ("my name is Jürgen Müller, can I book", "en"),
    ],
)
def test_the_detector_tells_other_languages_from_short_english(detector, text, code):
    assert detector.detect(text)["code"] == code


def _message(text, intent="faq"):
    from rasa.shared.nlu.training_data.message import Message

    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": 0.9}, add_to_output=True)
    message.set("intent_ranking", [{"name": intent, "confidence": 0.9}], add_to_output=True)
    return message


@pytest.fixture(scope="module")
def check():
    from unittest.mock import MagicMock

    return OtherLanguageCheck(OtherLanguageCheck.get_default_config(), MagicMock(), MagicMock(), KNOWN, CONTENT)


def test_a_spanish_question_is_never_given_an_english_faq_answer(check):
    [message] = check.process([_message("¿cuánto duran los resultados de la mesoterapia?")])
    assert message.get("intent")["name"] == "other_language"
    assert message.get("language")["code"] == "es"


def test_a_warning_sign_in_another_language_becomes_a_report_with_its_level(check):
    [message] = check.process([_message("no puedo respirar y tengo los labios hinchados")])
    assert message.get("intent")["name"] == "report_adverse_reaction"
    assert message.get("warning_sign")["level"] == "emergency"


def test_an_english_question_is_left_alone(check):
    [message] = check.process([_message("how long do the results last?")])
    assert message.get("intent")["name"] == "faq"


def test_a_name_typed_when_the_form_asks_for_it_is_a_name_not_a_language(check):
    from rasa.shared.core.events import SlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    asking = DialogueStateTracker.from_events("p", [SlotSet("requested_slot", "patient_name")])
    [message] = check.process([_message("Maria Lopes", "inform")])
    assert message.get("intent")["name"] == "other_language"  # alone it reads as Portuguese
    [message] = check.process([_message("Maria Lopes", "inform")], asking)
    assert message.get("intent")["name"] == "inform"
    [message] = check.process(
        [_message("¿cuánto duran los resultados de la mesoterapia?")], DialogueStateTracker.from_events("p", [])
    )
    assert message.get("intent")["name"] == "other_language"
    [message] = check.process([_message("no puedo respirar y tengo los labios hinchados")], asking)
    assert message.get("intent")["name"] == "report_adverse_reaction"  # a warning sign still counts


def test_the_notice_is_in_the_patients_language_with_the_clinic_phone():
    clinic = profile()
    tracker = make_tracker("¿cuánto cuesta?", intent="other_language", language="es")
    messages, _ = run_action(ActionOtherLanguage(), tracker)
    reply = texts(messages)
    assert "inglés" in reply and clinic.phone in reply


def test_a_warning_sign_in_french_gets_the_emergency_reply_in_french():
    clinic = profile()
    tracker = make_tracker(
        "ma lèvre gonfle et j'ai du mal à respirer",
        intent="report_adverse_reaction",
        warning_level="emergency",
        language="fr",
    )
    messages, _ = run_action(ActionUrgentCare(), tracker)
    reply = texts(messages)
    assert "urgence" in reply and clinic.emergency_number in reply
    assert len(messages) == 1
