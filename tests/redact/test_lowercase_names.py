"""Person names written in lower case with no self-introduction cue ("please ask john smith to call me back"),
and name-like common words that must survive ("will you mark my card", "grace period", "chase bank").

The sentences were written before the rule (voc.redact.given_names) was built or measured; none was changed
to make it pass. The first-name gazetteer and its sources are described in docs/privacy.md."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voc.config import RedactConfig
from voc.redact.redactor import Redactor

# The sentences of the issue: every one came out unredacted before.
ISSUE = [
    ("call maria garcia at [PHONE]", ["maria garcia"]),
    ("please ask john smith to call me back", ["john smith"]),
    ("my husband david jones opened the account", ["david jones"]),
    ("can you transfer to mike", ["mike"]),
    ("speak to agent kevin please", ["kevin"]),
    ("i talked to jessica yesterday and she said it was fixed", ["jessica"]),
]

# Lower-case (and one mixed-case) names with no cue word.
NAMES = [
    ("can you put me through to sarah please", ["sarah"]),
    ("my wife jennifer opened the account last year", ["jennifer"]),
    ("i spoke to brian on tuesday about the refund", ["brian"]),
    ("please forward this to patricia lopez in accounts", ["patricia lopez"]),
    ("steven said the card would arrive in 3 days", ["steven"]),
    ("agent michelle told me the fee would be waived", ["michelle"]),
    ("the transfer to daniel rodriguez has not arrived", ["daniel rodriguez"]),
    ("my son tyler needs his own debit card", ["tyler"]),
    ("i sent 200 dollars to kimberly thompson yesterday", ["kimberly thompson"]),
    ("can i speak with amanda again", ["amanda"]),
    ("jason from billing promised a callback", ["jason"]),
    ("my daughter emily lost her card", ["emily"]),
    ("i was helped by rachel yesterday and she was great", ["rachel"]),
    ("add my husband robert miller as a joint holder", ["robert miller"]),
    ("the payment from anthony martinez bounced", ["anthony martinez"]),
    ("tell melissa i will call back", ["melissa"]),
    ("i need to talk to nicole in support", ["nicole"]),
    ("please ask Stephanie wilson to call me", ["Stephanie wilson"]),
    ("my colleague gregory sent the invoice", ["gregory"]),
    ("money to christopher hernandez is still pending", ["christopher hernandez"]),
]

# Name-like common words, several after a person-context word: nothing here is a person.
COMMON = [
    "will you mark my card as lost",
    "how long is the grace period",
    "bill me next month instead",
    "i want the rose gold phone",
    "may i change my pin",
    "my august statement is wrong",
    "i want a frank answer",
    "can i transfer from chase bank",
    "i hope this gets fixed soon",
    "why did i only get a penny back",
    "the sky blue case is out of stock",
    "i am not rich enough for this fee",
    "the amber light is blinking on my card reader",
    "my june payment failed",
    "i will sue the bank if this continues",
    "can you chase the refund for me",
    "i want to mark this as fraud and speak to an agent",
    "transfer to my savings account please",
    "my husband lost his card and my son too",
    "i talked to someone yesterday and they said it was fixed",
]


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor(RedactConfig())


def _left_over(text: str, redacted: str, names: list[str]) -> list[str]:
    """The name words still readable in the redacted text."""
    return [w for name in names for w in name.split() if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", redacted)]


@pytest.mark.parametrize("text, names", ISSUE + NAMES)
def test_lowercase_name_without_cue_is_redacted(redactor, text, names):
    out = redactor.redact(text).text
    assert _left_over(text, out, names) == [], out
    assert "[PERSON]" in out


@pytest.mark.parametrize("text", COMMON)
def test_name_like_common_word_survives(redactor, text):
    r = redactor.redact(text)
    assert "PERSON" not in r.counts, r.text
    assert r.text == text


def test_rule_off_with_name_cues_off():
    """redact.name_cues: false turns the gazetteer rule off with the other name rules."""
    r = Redactor(RedactConfig(name_cues=False)).redact("please ask john smith to call me back")
    assert r.text == "please ask john smith to call me back"


def test_gazetteer_records_source_and_keeps_common_words_apart():
    """The shipped list says where it comes from; the issue's common-word names are never unambiguous first names."""
    import json

    from voc.redact.given_names import DATA, gazetteer

    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert "Census" in data["source"] and data["licence"]
    g = gazetteer()
    words = "will mark bill grace rose may june august chase hope frank art sue pat ray dawn amber penny rich".split()
    assert [w for w in words if w in g.first] == []
    assert {"john", "maria", "mike", "kevin", "jessica", "david"} <= g.first


@pytest.mark.parametrize("text, redacted", [
    ("book a flight from dallas to austin", "book a flight from dallas to austin"),
    ("my son austin needs a card", "my son [PERSON] needs a card"),
    ("why did wendy's charge me twice", "why did wendy's charge me twice"),
    ("i sent money to charles schwab", "i sent money to charles schwab"),
])
def test_places_possessives_and_brands(redactor, text, redacted):
    """A first name that is also a place is not taken after a mere preposition, a possessive ('wendy's', a shop)
    is not taken alone, and a brand named after a person is a keep term."""
    assert redactor.redact(text).text == redacted


@pytest.mark.parametrize("text, names", ISSUE)
def test_second_pass_changes_nothing(redactor, text, names):
    once = redactor.redact(text).text
    assert redactor.redact(once).text == once


_PIECES = ["to", "mike", "john", "smith", "maria", "garcia", "'", "’", "/", "-", "_", ":", " ", "  ", ".", "kevin's", "said",
           "agent", "é", "3", "will", "Mark", "Garcia", "\n", "(", ")"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12))
def test_pre_check_never_changes_the_answer(pieces):
    """The cheap word-set pre-check only skips texts in which the rule would find nothing."""
    from voc.redact.given_names import _find, given_name_spans

    text = "".join(pieces)
    assert given_name_spans(text) == [s for s, _ in _find(text)]


def test_an_unreadable_name_list_is_a_coded_error(tmp_path, monkeypatch):
    """A broken install (the gazetteer file missing) names the file and the fix, no traceback."""
    from voc.errors import VocError
    from voc.redact import given_names

    monkeypatch.setattr(given_names, "DATA", tmp_path / "missing.json")
    given_names.gazetteer.cache_clear()
    try:
        with pytest.raises(VocError, match="E202.*missing.json"):
            given_names.gazetteer()
    finally:
        given_names.gazetteer.cache_clear()
