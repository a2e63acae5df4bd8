"""Rejects are redacted (they quote raw input), but voc's own words in them are not: the name model called
"chat JSON" and "speaker labels" persons, so every E005 reject read "chat [PERSON] ... speaker [PERSON]"."""
from __future__ import annotations

from voc.config import RedactConfig
from voc.errors import Errors
from voc.ingest.base import Reject
from voc.redact.guard import input_regions, redact_records


def _redacted(reject: Reject) -> dict:
    return redact_records([reject.as_dict()], RedactConfig())[0]


def test_voc_words_in_a_reject_are_not_taken_for_names() -> None:
    rej = Reject.of(Errors.E005, file="/exports/kb.json", location="file", level="file",
                    detail="extension '.json'; the content matched no reader")
    out = _redacted(rej)
    assert "[PERSON]" not in out["reason"] + out["fix"]
    assert out["fix"] == Errors.E005.fix
    assert "extension '.json'" in out["reason"]


def test_personal_data_quoted_from_the_input_is_still_redacted() -> None:
    rej = Reject.of(Errors.E011, file="/exports/t.csv", location="line 3", level="contact",
                    detail="bad value 'hi this is maria garcia, card 4111 1111 1111 1111'")
    out = _redacted(rej)
    assert "maria" not in out["reason"].lower() and "4111" not in out["reason"]
    assert "[PERSON]" in out["reason"] and "[CARD]" in out["reason"]
    assert out["reason"].startswith("/exports/t.csv line 3: bad value")


def test_text_that_is_not_a_rendering_of_its_code_is_redacted_whole() -> None:
    rows = [{"code": "E011", "reason": "hand-written: this is maria garcia", "fix": "x", "location": "line 1"},
            {"code": "NOPE", "reason": "this is maria garcia", "fix": "x", "location": "line 1"}]
    out = redact_records(rows, RedactConfig())
    assert all("maria" not in r["reason"].lower() for r in out)


def test_input_regions_are_the_template_fields() -> None:
    text = "File 'a.csv' is not in a supported format (odd)."
    regions = input_regions(text, Errors.E005.cause)
    assert [text[a:b] for a, b in regions] == ["a.csv", "odd"]
    assert input_regions("something else", Errors.E005.cause) is None
    assert input_regions("anything", None) is None
