"""The shipped taxonomy and its validation (E207)."""
from __future__ import annotations

import pytest
import yaml

from voc.errors import VocError
from voc.nlp.intent import DEFAULT_TAXONOMY, load_taxonomy, parse_taxonomy


def test_shipped_taxonomy_is_valid_and_rich_enough():
    t = load_taxonomy()
    names = t.labels
    assert len(names) == len(set(names)) >= 12
    for must in ("billing_issue", "refund_request", "delivery_problem", "order_status", "return_exchange",
                 "account_access", "cancellation", "technical_problem", "payment_declined",
                 "address_or_details_change", "product_question", "complaint", "feedback_praise"):
        assert must in names
    for i in t.intents:
        assert 8 <= len(i.examples) <= 20, i.name
        assert len(set(i.examples)) == len(i.examples), i.name
    assert t.unknown_label == "unknown" and 0 < t.threshold < 1


def _good():
    return {"intents": [{"name": "a", "description": "about a", "examples": ["x"]},
                        {"name": "b", "description": "about b", "examples": ["y", "z"]}]}


@pytest.mark.parametrize("mutate, needle", [
    (lambda d: d.pop("intents"), "non-empty list"),
    (lambda d: d["intents"][1].update(name="a"), "defined twice"),
    (lambda d: d["intents"][0].pop("description"), "intent #1 'a' has no description"),
    (lambda d: d["intents"][1].update(examples=[]), "intent #2 'b' has no example"),
    (lambda d: d["intents"][1].update(examples=["ok", "  "]), "example(s) [2]"),
    (lambda d: d["intents"][0].update(name="unknown"), "reserved"),
    (lambda d: d.update(threshold=1.5), "between 0 and 1"),
    (lambda d: d.update(treshold=0.5), "unknown key"),
    (lambda d: d["intents"].append("just a string"), "intent #3 is not a mapping"),
])
def test_invalid_taxonomies_name_the_problem(mutate, needle):
    d = _good()
    mutate(d)
    with pytest.raises(VocError) as ei:
        parse_taxonomy(d, path="t.yaml")
    assert ei.value.code == "E207" and needle in ei.value.cause and "t.yaml" in ei.value.cause


def test_file_errors(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("intents: [unclosed")
    with pytest.raises(VocError) as ei:
        load_taxonomy(bad)
    assert ei.value.code == "E207" and "not valid YAML" in ei.value.cause
    with pytest.raises(VocError) as ei:
        load_taxonomy(tmp_path / "missing.yaml")
    assert ei.value.code == "E207"
    ok = tmp_path / "ok.yaml"
    ok.write_text(yaml.safe_dump(_good()))
    assert load_taxonomy(ok).labels == ["a", "b"]
    assert DEFAULT_TAXONOMY.is_file()
