"""Training variants: what the classifier is taught besides the team's tidy phrasings."""

from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.training_variants import LEAD_INS, SIGN_OFFS, TrainingVariants, variant, with_slips, with_small_talk


def test_slips_are_the_same_on_every_run_and_keep_the_words_count():
    text = "How many sessions would I need before my skin looks brighter"
    assert with_slips(text) == with_slips(text)
    assert len(with_slips(text).split(" ")) == len(text.split(" "))
    changed = [a for a, b in zip(with_slips(text).split(), text.split()) if a != b]
    assert changed, "a sentence with eight long words gets at least one slip"
    assert all(abs(len(a) - len(b)) <= 1 for a, b in zip(with_slips(text).split(), text.split()))


def test_small_talk_keeps_the_question_whole():
    text = "Does the treatment hurt a lot?"
    chatty = with_small_talk(text)
    assert text[1:] in chatty
    assert any(chatty.startswith(lead) for lead in LEAD_INS) or any(chatty.endswith(s) for s in SIGN_OFFS)


def test_short_messages_get_no_variant():
    assert variant("yes please") is None
    assert variant("Tuesday") is None


def _examples() -> TrainingData:
    faq = Message(
        data={
            TEXT: "How long do the results of mesotherapy last",
            INTENT: "faq",
            INTENT_RESPONSE_KEY: "faq/results_duration",
        }
    )
    booking = Message(data={TEXT: "I would like to book an appointment please", INTENT: "book_appointment"})
    with_entity = Message(
        data={
            TEXT: "I had my treatment on Friday morning",
            INTENT: "inform",
            ENTITIES: [{"start": 22, "end": 28, "value": "Friday", "entity": "treatment_time"}],
        }
    )
    return TrainingData(training_examples=[faq, booking, with_entity])


def test_each_phrasing_gains_one_variant_with_its_own_label():
    data = TrainingVariants({"enabled": True}).process_training_data(_examples())
    texts = [m.get(TEXT) for m in data.training_examples]
    assert len(texts) == 5 and len(set(texts)) == 5
    labels = {m.get(TEXT): (m.get(INTENT), m.get(INTENT_RESPONSE_KEY)) for m in data.training_examples}
    faq_variants = [t for t, label in labels.items() if label == ("faq", "faq/results_duration")]
    assert len(faq_variants) == 2
    assert not [t for t, (intent, _) in labels.items() if intent == "inform" and "Friday" not in t], (
        "an example with entities keeps its only phrasing (its spans would move)"
    )


def test_switched_off_it_adds_nothing_and_live_messages_are_untouched():
    assert len(TrainingVariants({"enabled": False}).process_training_data(_examples()).training_examples) == 3
    live = [Message(data={TEXT: "does it hurt"})]
    assert TrainingVariants({}).process(live)[0].get(TEXT) == "does it hurt"
