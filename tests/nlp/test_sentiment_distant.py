"""Distant sentiment labels from support intents: the mapping file, reading Banking77 / CLINC150 through it,
and the recipe with weighted extra rows (``train.Extra``)."""
from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from tests.conftest import shared_file
from voc.errors import VocError
from voc.nlp.sentiment.base import LABELS
from voc.nlp.sentiment.distant import MAPPING_PATH, distant_data, load_intent_mapping
from voc.nlp.sentiment.linear import LinearSentimentModel
from voc.nlp.sentiment.train import Extra, cross_validated_predictions, fit_recipe


def _intents_of_banking77(path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as f:
        return [r["category"] for r in csv.DictReader(f)]


def _duplicate_keys(section: str) -> list[str]:
    """Intent names given more than once in one section of the raw file (YAML itself keeps the last)."""
    lines, inside, seen, dups = MAPPING_PATH.read_text(encoding="utf-8").splitlines(), False, set(), []
    for ln in lines:
        if not ln.startswith(" ") and ln.strip():
            inside = ln.startswith(f"{section}:")
        elif inside and ln.startswith("  ") and not ln.strip().startswith("#"):
            name = ln.strip().split(":")[0].strip('"')
            (dups.append(name) if name in seen else seen.add(name))
    return dups


def test_mapping_loads_with_a_label_and_a_rationale_for_every_intent():
    m = load_intent_mapping()
    assert m["sentiment"] == {"problem": "negative", "request": "neutral"}
    for ds in ("banking77", "clinc150"):
        assert all(e["label"] in ("problem", "request", "unclear") and e["why"].strip() for e in m[ds].values())
        assert _duplicate_keys(ds) == []
    # the classes the issue names as problem reports, read as such
    assert {m["banking77"][i]["label"] for i in ("card_not_working", "declined_card_payment", "lost_or_stolen_card",
                                                 "transfer_not_received_by_recipient", "card_arrival")} == {"problem"}
    assert {m["banking77"][i]["label"] for i in ("exchange_rate", "top_up_limits", "change_pin")} == {"request"}
    assert {m["clinc150"][i]["label"] for i in ("lost_luggage", "report_lost_card", "card_declined",
                                                "damaged_card", "report_fraud")} == {"problem"}


def test_mapping_covers_every_banking77_intent_exactly_once(shared_data):
    intents = set(_intents_of_banking77(shared_file(shared_data, "banking77/train.csv")))
    m = load_intent_mapping()
    assert len(intents) == 77 and set(m["banking77"]) == intents


def test_mapping_covers_every_clinc150_intent_as_a_string(shared_data):
    data = json.loads(shared_file(shared_data, "clinc150/train_val.json").read_text(encoding="utf-8"))
    intents = {r[1] for s in ("train", "val") for r in data[s]}
    m = load_intent_mapping()
    assert len(intents) == 150 and set(m["clinc150"]) == intents   # "yes" and "no" are names, not booleans


def test_an_unquoted_yes_or_a_duplicated_intent_is_refused(tmp_path):
    text = MAPPING_PATH.read_text(encoding="utf-8")
    unquoted = tmp_path / "unquoted.yaml"
    unquoted.write_text(text.replace('"yes":', "yes:"), encoding="utf-8")
    with pytest.raises(VocError, match="E210.*not a string"):
        load_intent_mapping(unquoted)
    dup = tmp_path / "dup.yaml"
    dup.write_text(text + '  "yes": {label: problem, domain: meta, why: "twice"}\n', encoding="utf-8")
    with pytest.raises(VocError, match="E210.*appears twice"):
        load_intent_mapping(dup)
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace('"card_not_working": {label: problem', '"card_not_working": {label: angry'), encoding="utf-8")
    with pytest.raises(VocError, match="E210.*card_not_working"):
        load_intent_mapping(bad)


def test_distant_data_maps_problem_to_negative_request_to_neutral_and_counts_what_it_leaves_out(tmp_path):
    p = tmp_path / "b77.csv"
    with open(p, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["text", "category"])
        w.writerows([("My card stopped working", "card_not_working"), ("What is the rate for EUR?", "exchange_rate"),
                     ("How do I activate my card?", "activate_my_card"), ("Something new", "not_an_intent")])
    d = distant_data(p)
    assert d.dataset == "banking77" and d.texts == ["My card stopped working", "What is the rate for EUR?"]
    assert d.labels == ["negative", "neutral"] and d.kinds == ["problem", "request"]
    assert d.excluded == {"unclear intent": 1, "intent not in the mapping": 1}
    assert d.path == str(p) and len(d.mapping_sha256) == 64


def test_distant_data_of_clinc150_reads_in_scope_rows_only(tmp_path):
    p = tmp_path / "clinc.json"
    p.write_text(json.dumps({"train": [["my bags never showed up", "lost_luggage"], ["book me a flight", "book_flight"],
                                       ["tell me a joke", "tell_joke"]],
                             "val": [["yes", "yes"]], "oos_train": [["what is love", "oos"]]}), encoding="utf-8")
    d = distant_data(p)
    assert d.dataset == "clinc150" and d.labels == ["negative", "neutral"]
    assert d.excluded == {"unclear intent": 2}


def test_distant_data_with_no_known_intent_is_a_coded_error(tmp_path):
    p = tmp_path / "other.csv"
    p.write_text("text,label\nhello,greet\nbye,leave\n", encoding="utf-8")
    with pytest.raises(VocError, match="E210.*none of its 2 intents"):
        distant_data(p)


def _toy(n: int, seed: int, shift: float = 0.0):
    rng = np.random.default_rng(seed)
    y = np.array([LABELS[i % 3] for i in range(n)], dtype=object)
    X = rng.normal(size=(n, 5))
    X[:, 0] += np.array([{"negative": -1.5, "neutral": 0.0, "positive": 1.5}[v] for v in y]) + shift
    return X, y


def test_unit_weights_give_the_plain_fit():
    X, y = _toy(90, 0)
    a = LinearSentimentModel(C=0.1).fit(X, y)
    b = LinearSentimentModel(C=0.1).fit(X, y, sample_weight=np.ones(len(y)), primary=np.ones(len(y), bool))
    assert np.allclose(a.coef_, b.coef_, atol=1e-4) and np.allclose(a.intercept_, b.intercept_, atol=1e-4)


def test_extra_rows_move_the_model_in_proportion_to_their_weight_and_are_never_scored(monkeypatch):
    X, y = _toy(60, 1)
    # extra rows: 'negative' texts placed where neutral ones are in the primary data
    Xe = np.random.default_rng(2).normal(size=(200, 5))
    ye = np.array(["negative"] * 200, dtype=object)
    probe = np.zeros((1, 5))                                   # a typical neutral point
    p_neg = [LinearSentimentModel(C=0.1).fit(*_stack_rows(X, y, Xe, ye, w)).predict_proba(probe)[0, 0]
             for w in (0.01, 0.1, 1.0)]
    assert p_neg[0] < p_neg[1] < p_neg[2]
    import voc.nlp.sentiment.calibration as cal

    scored = []
    real = cal.choose_class_bias
    monkeypatch.setattr(cal, "choose_class_bias", lambda L, yi, **kw: scored.append(len(yi)) or real(L, yi, **kw))
    m = fit_recipe(X, y, grid=(0.001, 0.1), negative_recall_floor=0.0, extra=Extra(Xe, ye, 0.1))
    assert scored == [len(y)] and m.calibration_ is not None   # the bias is chosen on the 60 primary rows only
    cv = cross_validated_predictions(X, list(y), k=3, grid=(0.1,), negative_recall_floor=None, extra=Extra(Xe, ye, 0.1))
    assert len(cv["oof_pred"]) == len(y) and all(max(tr) < len(y) for tr in cv["train_index"])


def _stack_rows(X, y, Xe, ye, w):
    Xs = np.vstack([X, Xe])
    ys = np.concatenate([y, ye])
    return Xs, ys, np.concatenate([np.ones(len(y)), np.full(len(ye), w)]), np.concatenate(
        [np.ones(len(y), bool), np.zeros(len(ye), bool)])


def test_bad_weights_are_refused():
    X, y = _toy(30, 3)
    with pytest.raises(ValueError):
        LinearSentimentModel().fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError):
        Extra(X, y, 0.0)


def test_train_with_distant_labels_records_them_and_eval_reruns_the_same_recipe(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from tests.nlp.test_sentiment_cli import write_small_csv
    from voc.cli import _wire, app

    _wire()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    small = write_small_csv(tmp_path / "small.csv")
    b77 = tmp_path / "b77.csv"
    with open(b77, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["text", "category"])
        w.writerows([("My card stopped working yesterday", "card_not_working"),
                     ("The ATM kept my card", "card_swallowed"),
                     ("My transfer still has not arrived", "transfer_not_received_by_recipient"),
                     ("What exchange rate do you use?", "exchange_rate"),
                     ("How much can I top up?", "top_up_limits"),
                     ("How do I activate my card?", "activate_my_card"),
                     ("Tell me something", "no_such_intent")])
    out = tmp_path / "m.json"
    runner = CliRunner()
    r = runner.invoke(app, ["sentiment", "train", str(small), "--out", str(out), "--cv", "3", "--c-grid", "0.01",
                            "--distant", str(b77), "--distant-weight", "0.5"])
    assert r.exit_code == 0, r.output
    assert "distant labels: 5 examples" in r.output and "1 rows of unclear intent" in r.output
    assert "1 rows of" in r.output and "does not list; they were left out" in r.output
    art = json.loads(out.read_text())
    d = art["trained_on"]["distant"][0]
    assert d["n"] == 5 and d["weight"] == 0.5 and d["label_counts"] == {"negative": 3, "neutral": 2, "positive": 0}
    assert len(d["text_hashes"]) == 5 and art["trained_on"]["n"] == 36 and len(art["text_hashes"]) == 36
    assert art["command"].endswith(f"--distant {b77} --distant-weight 0.5") and "distant-label examples" in art["recipe"]

    r = runner.invoke(app, ["eval", "sentiment", str(small), "--backend", "trained", "--model", str(out), "--cv", "3"])
    assert r.exit_code == 0, r.output
    assert "the model's 5 distant-label examples (weight 0.5) are added to every training fold" in r.output

    seen = tmp_path / "seen.csv"   # texts the model learned from as distant labels: scored, but not held out, and said so
    seen.write_text("text,label\nMy card stopped working yesterday,negative\nHow much can I top up?,neutral\n"
                    "Where is my parcel,neutral\n", encoding="utf-8")
    r = runner.invoke(app, ["eval", "sentiment", str(seen), "--backend", "trained", "--model", str(out)])
    assert r.exit_code == 0, r.output
    assert "67% of these texts were distant-label training examples" in r.output and "not held out" in r.output

    b77.write_text("text,category\nMy card is broken,card_not_working\n", encoding="utf-8")   # not the data it learned from
    r = runner.invoke(app, ["eval", "sentiment", str(small), "--backend", "trained", "--model", str(out), "--cv", "3"])
    assert r.exit_code == 0, r.output
    assert "differ from those the model was trained with" in r.output and "distant-label examples (weight" not in r.output


def test_distant_weight_must_be_positive(tmp_path):
    from typer.testing import CliRunner

    from voc.cli import _wire, app

    _wire()
    r = CliRunner().invoke(app, ["sentiment", "train", str(tmp_path / "x.csv"), "--out", str(tmp_path / "m.json"),
                                 "--distant", str(tmp_path), "--distant-weight", "0"])
    assert r.exit_code != 0 and "E104" in r.output and "--distant-weight" in r.output


def test_extra_rows_do_not_change_the_class_weights_of_the_primary_rows():
    """Bug found while measuring: balancing the pooled class totals let 5,293 distant complaints (weight 0.05-0.25)
    halve the weight of TweetEval's 312 negative tweets, and the calibration then pushed the negative bias to +1.9."""
    from sklearn.utils.class_weight import compute_class_weight

    from voc.nlp.sentiment.linear import balanced_weights

    y = np.array([0] * 10 + [1] * 30 + [2] * 20)
    ye = np.array([0] * 500 + [1] * 300)
    yy = np.concatenate([y, ye])
    sw = np.concatenate([np.ones(len(y)), np.full(len(ye), 0.25)])
    prim = np.concatenate([np.ones(len(y), bool), np.zeros(len(ye), bool)])
    w = balanced_weights(yy, sw, prim)
    assert np.allclose(w[: len(y)], compute_class_weight("balanced", classes=np.arange(3), y=y)[y])
    assert np.isclose(w[len(y):].sum(), 0.25 * len(ye))                       # the extra source keeps its total
    assert np.isclose(w[len(y):][ye == 0].sum(), w[len(y):][ye == 1].sum())  # and is balanced within itself


def test_shipped_twins_learned_from_the_committed_mapping_with_the_recipe_weight():
    """Both shipped models carry the same distant labels, made with this very mapping file (editing the mapping
    without retraining them, or retraining one twin only, fails here) and the recipe's weight."""
    from voc.nlp.sentiment.linear import load_artifact
    from voc.nlp.sentiment.train import DISTANT_WEIGHT
    from voc.nlp.sentiment.trained import SHIPPED_MODEL, SHIPPED_MODEL_INT8

    sha = load_intent_mapping()["_sha256"]
    recs = [load_artifact(p)["trained_on"]["distant"] for p in (SHIPPED_MODEL, SHIPPED_MODEL_INT8)]
    assert recs[0][0]["fingerprint"] == recs[1][0]["fingerprint"] and len(recs[0]) == len(recs[1]) == 1
    for (d,) in recs:
        assert d["dataset"] == "banking77" and d["mapping_sha256"] == sha and d["weight"] == DISTANT_WEIGHT
        assert d["label_counts"]["negative"] > 5000 and d["label_counts"]["neutral"] > 3000 and d["path"].endswith("banking77")
