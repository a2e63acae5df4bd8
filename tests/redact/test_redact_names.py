"""PERSON names: cue rules and known names (no model), and the real spaCy model on support text."""
from __future__ import annotations

import pytest

from voc.config import RedactConfig
from voc.redact.names import answered_name, asks_for_name, cue_spans, is_role_label, known_name_spans, name_parts
from voc.redact.redactor import Redactor
from voc.redact.spans import Span


def cue_names(text: str, blocked=()) -> list[str]:
    return [text[s.start:s.end] for s in sorted(cue_spans(text, blocked))]


# ---- cue rules ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text, names", [
    ("Hi, my name is crystal minh and I need help", ["crystal minh"]),
    ("My name is Jane O'Neil.", ["Jane O'Neil"]),
    ("Name: Robert Brown\nAccount: 88213", ["Robert Brown"]),
    ("Hello, this is Jessica from the billing team", ["Jessica"]),
    ("you're speaking with Tom, what can I do for you?", ["Tom"]),
    ("Hi, I'm Priya Raman, how can I help you today?", ["Priya Raman"]),
    ("My package never arrived.\n\nKind regards,\nPeter Jansen", ["Peter Jansen"]),
    ("The parcel is lost. Thanks, Emily", ["Emily"]),
    ("Hi Sarah, my card was declined", ["Sarah"]),
    ("Thanks Maria!", ["Maria"]),
    ("Dear Mr. Jansen, the parcel is late", ["Jansen"]),
    ("Good morning Peter. Any news?", ["Peter"]),
])
def test_cues_find_names(text, names):
    assert cue_names(text) == names


@pytest.mark.parametrize("text", [
    "I'm a bronze member",
    "This is ridiculous.",
    "This is Urgent, please help",
    "my name is on the account",
    "I am Happy with the service",
    "This is the third time I write",
    "Thanks, I will try that tomorrow",
    "Regards to your team",
    "I'm SO angry right now",
    "Hello Everyone!",
    "Hi Team, the app is down",
    "Thanks a lot!",
    "Hi there, Thanks for nothing",
    "Dear Support Team: please help",
])
def test_cues_do_not_fire_on_ordinary_sentences(text):
    assert cue_names(text) == []


def test_weak_cue_yields_to_an_organisation_entity():
    text = "Hi, this is Acme from the store"
    assert cue_names(text) == ["Acme"]
    assert cue_names(text, [Span(12, 16, "ORG", "ner")]) == []


# ---- known names -------------------------------------------------------------------------------
def test_known_name_full_and_parts():
    text = "crystal minh asked; what is your level Crystal? Minh said gold. Crystalline stays."
    got = sorted((text[s.start:s.end]) for s in known_name_spans(text, ["Crystal Minh"]))
    assert got == ["Crystal", "Minh", "crystal minh"]


def test_known_name_parts_skip_function_words_and_need_capitals():
    text = "May I have your order? may chen wrote. Chen replied; chen is also a word here"
    got = sorted(text[s.start:s.end] for s in known_name_spans(text, ["May Chen"]))
    # the full name matches in any case; a part alone only capitalised, and never a part that
    # is an English function word ('May' in 'May I have ...').
    assert got == ["Chen", "may chen"]


def test_speaker_labels():
    for role in ["Agent", "customer", "SPEAKER_00", "Speaker 2", "Customer Service Rep", "spk_1", "BOT"]:
        assert is_role_label(role), role
    for person in ["Sarah Lee", "Sarah (Agent)", "Dr. Watson"]:
        assert not is_role_label(person), person
    assert name_parts("Sarah (Agent)") == "Sarah"
    assert name_parts("John Smith") == "John Smith"


@pytest.mark.parametrize("question, asks", [
    ("sure, may I have your name please?", True),
    ("Could I get your full name and order ID?", True),
    ("Who am I speaking with today?", True),
    ("What is your order number?", False),
])
def test_asks_for_name(question, asks):
    assert asks_for_name(question) is asks


@pytest.mark.parametrize("reply, name", [
    ("Crystal Minh", "Crystal Minh"),
    ("crystal minh, cminh730@email.com", "crystal minh"),
    ("Sure, it's Joseph Banter.", "Joseph Banter"),
    ("I need a refund", ""),
    ("why do you need it?", ""),
    ("Order ID: 3348917502", ""),
    ("yes", ""),
])
def test_answered_name(reply, name):
    assert answered_name(reply) == name


# ---- the real spaCy model ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor(RedactConfig())


@pytest.mark.parametrize("text, expected", [
    ("I spoke with Maria Gonzalez yesterday and she said the refund was approved.",
     "I spoke with [PERSON] yesterday and she said the refund was approved."),
    ("Please ask David Miller to call me back about the invoice.",
     "Please ask [PERSON] to call me back about the invoice."),
    ("My wife Anna placed the order with her card.", "My wife [PERSON] placed the order with her card."),
    ("Hi, my name is John Smith, email john.smith@gmail.com, phone 415-555-0134.",
     "Hi, my name is [PERSON], email [EMAIL], phone [PHONE]."),
])
def test_spacy_person_on_support_sentences(redactor, text, expected):
    assert redactor.redact(text).text == expected


@pytest.mark.parametrize("text", [
    "I can't log in to my Amazon account since Tuesday.",
    "The app crashes when I open Settings on my iPhone.",
    "Thanks for your help, Google Pay is still not working.",
    "I was charged twice for order 3348917502 on 2026-03-04, total $94.00.",
])
def test_spacy_leaves_non_person_text(redactor, text):
    assert redactor.redact(text).text == text


def test_person_noise_from_the_model_is_dropped(redactor):
    # the small model tags the lowercase 'question4' of ABCD's action log as PERSON
    text = "FAQ answer related to timing (question4) was selected."
    assert redactor.redact(text).text == text


def test_model_loads_only_ner(redactor):
    redactor.redact("Hello Maria")
    assert redactor.nlp_.pipe_names == ["ner"]


def test_known_name_non_ascii_any_case():
    # the ASCII fast path is skipped for non-ASCII text: re.I still matches the full name in any case
    text = "JOSÉ NÚÑEZ called; then José wrote again. Nothing here for jose."
    got = sorted(text[s.start:s.end] for s in known_name_spans(text, ["José Núñez"]))
    # the full name in any case, and each part in its written, capitalised or upper-case form
    assert got == ["JOSÉ", "JOSÉ NÚÑEZ", "José", "NÚÑEZ"]
    assert known_name_spans("no names in this text at all", ["José Núñez", "Crystal Minh"]) == []


def test_ner_prefilter_skips_common_words_contractions_and_acronyms():
    from voc.redact.redactor import _may_name

    for text in ["I'm unable to use my PIN at the ATM", "Why was my SEPA transfer in EUR declined?",
                 "I\u2019ve been charged twice", "Hello, I'd like a refund", "no capitals at all"]:
        assert not _may_name(text), text
    for text in ["Sarah told me to call back", "my card was stolen, Peter Smith here",
                 "HI THIS IS JOHN, MY CARD IS BLOCKED",       # all capitals: acronyms cannot be told from names
                 "Thanks, O'Brien"]:
        assert _may_name(text), text
