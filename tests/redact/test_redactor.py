"""The Redactor: placeholders, overlap resolution, idempotence, batching."""
from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voc.config import RedactConfig
from voc.errors import VocError
from voc.redact.redactor import Redactor, _chunks
from voc.redact.spans import Span, resolve

PATTERNS_ONLY = RedactConfig(entities=["EMAIL", "PHONE", "CARD", "IBAN", "URL", "IP"])


@pytest.fixture(scope="module")
def patterns() -> Redactor:
    return Redactor(PATTERNS_ONLY)


@pytest.fixture(scope="module")
def full() -> Redactor:
    return Redactor(RedactConfig())


def test_constructor_only_stores_config():
    cfg = RedactConfig()
    r = Redactor(cfg)
    assert r.config is cfg
    assert getattr(r, "nlp_", None) is None


def test_patterns_only_never_loads_the_model(patterns):
    out = patterns.redact("Mail jane@example.com or call 415-555-0134, Maria Gonzalez")
    assert out.text == "Mail [EMAIL] or call [PHONE], Maria Gonzalez"
    assert out.counts == {"EMAIL": 1, "PHONE": 1}
    assert getattr(patterns, "nlp_", None) is None


def test_redaction_spans_point_into_the_original(patterns):
    text = "card 4111 1111 1111 1111 and jane@example.com"
    out = patterns.redact(text)
    assert [(text[s.start:s.end], s.label) for s in out.spans] == [
        ("4111 1111 1111 1111", "CARD"), ("jane@example.com", "EMAIL")]
    assert out.changed


def test_custom_placeholder():
    r = Redactor(RedactConfig(entities=["EMAIL"], placeholder="<{label}>"))
    assert r.redact("to jane@example.com").text == "to <EMAIL>"
    assert r.redact("to <EMAIL>").text == "to <EMAIL>"


def test_placeholder_without_label_is_allowed_and_stable():
    r = Redactor(RedactConfig(entities=["EMAIL", "PHONE"], placeholder="***"))
    once = r.redact("to jane@example.com, call 415-555-0134").text
    assert once == "to ***, call ***"
    assert r.redact(once).text == once


def test_pattern_span_wins_over_name_span():
    text = "Contact John Smith john.smith@gmail.com now"
    # a NER span swallowing the email is trimmed to the name, not dropped
    spans = [Span(8, 39, "PERSON", "ner"), Span(19, 39, "EMAIL")]
    got = resolve(text, spans)
    assert [(text[s.start:s.end], s.label) for s in got] == [("John Smith", "PERSON"), ("john.smith@gmail.com", "EMAIL")]


def test_longest_pattern_wins():
    text = "x 4111 1111 1111 1111 y"
    got = resolve(text, [Span(2, 6, "PHONE"), Span(2, 21, "CARD")])
    assert got == [Span(2, 21, "CARD")]


def test_placeholders_are_never_redetected(full):
    text = "[PERSON] wrote from [EMAIL] about [CARD]; [PHONE] is [PERSON]'s"
    assert full.redact(text).text == text
    assert full.redact(text).spans == ()


def test_known_names_per_text(full):
    out = full.redact_many(["so crystal minh wrote again", "so crystal minh wrote again"], known_names=[["Crystal Minh"], []])
    assert out[0].text == "so [PERSON] wrote again"
    assert "crystal minh" in out[1].text


def test_known_names_must_align(full):
    with pytest.raises(ValueError):
        full.redact_many(["a", "b"], known_names=[["x"]])


def test_empty_and_none_texts(full):
    out = full.redact_many(["", None, "   ", "ok"])   # type: ignore[list-item]
    assert [o.text for o in out] == ["", "", "   ", "ok"]


def test_redact_many_equals_one_by_one(full):
    texts = ["Hi, this is Jessica from billing", "call 415-555-0134", "nothing here", "My name is John Smith"]
    assert [r.text for r in full.redact_many(texts)] == [full.redact(t).text for t in texts]


def test_long_text_is_chunked_with_correct_offsets(full, monkeypatch):
    import voc.redact.redactor as mod

    monkeypatch.setattr(mod, "_CHUNK", 200)
    filler = "The order was late again and nobody answered. " * 12    # ~560 chars: several chunks
    text = filler + "Please ask David Miller to email me at dm@example.com. " + filler + "I spoke with Maria Gonzalez."
    out = full.redact(text)
    assert out.text == (filler + "Please ask [PERSON] to email me at [EMAIL]. " + filler + "I spoke with [PERSON].")


def test_chunks_cover_text_exactly():
    text = ("word " * 50 + "\n") * 10
    pieces = list(_chunks(text, 64))
    assert "".join(p for _, p in pieces) == text
    assert all(len(p) <= 64 for _, p in pieces)
    assert all(text[off:off + len(p)] == p for off, p in pieces)


def test_unknown_model_is_a_clear_error():
    r = Redactor(RedactConfig(spacy_model="/nonexistent/model"))
    with pytest.raises(VocError) as e:
        r.redact("Hello Maria")
    assert e.value.code == "E202"


def test_config_rejects_bad_values():
    from voc import config as cfg
    from voc.errors import ConfigError

    for bad in ({"redact": {"entities": ["SSN"]}}, {"redact": {"placeholder": "{name}"}},
                {"redact": {"default_region": "XX"}}):
        with pytest.raises(ConfigError):
            cfg.from_dict(bad)


# ---- properties --------------------------------------------------------------------------------
words = st.text(string.ascii_letters, min_size=1, max_size=10)
emails = st.emails()
fragments = st.one_of(
    words, words, words,
    st.text(string.digits, min_size=1, max_size=20),
    emails,
    st.sampled_from(["415-555-0134", "(977) 625-2661", "+44 20 7946 0958", "call me 3348917502",
                     "4111 1111 1111 1111", "DE89 3704 0044 0532 0130 00", "https://example.com/x?y=1",
                     "192.168.1.100", "[EMAIL]", "[PHONE]", "$94.00", "2026-03-04", "Order ID: 3348917502"]),
    st.sampled_from([",", ".", ":", "(", ")", "\n", "-"]),
)
texts = st.lists(fragments, max_size=25).map(" ".join)


@settings(max_examples=120, deadline=None)
@given(text=texts)
def test_redaction_is_idempotent(patterns, text):
    once = patterns.redact(text).text
    assert patterns.redact(once).text == once


@settings(max_examples=120, deadline=None)
@given(email=emails, before=st.lists(fragments, max_size=6).map(" ".join),
       after=st.lists(fragments, max_size=6).map(" ".join))
def test_generated_emails_are_always_redacted(patterns, email, before, after):
    out = patterns.redact(f"{before} {email} {after}")
    assert email not in out.text
    assert "[EMAIL]" in out.text
