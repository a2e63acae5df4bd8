"""`voc intents train` and `voc eval intents` end to end on a small CSV (real encoder)."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.nlp.test_intent_classifier import LABELS, TEXTS, UNSEEN, UNSEEN_Y
from voc.cli import _wire, app

_wire()
runner = CliRunner()


@pytest.fixture()
def csvs(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    train = tmp_path / "train.csv"
    pd.DataFrame({"utterance": TEXTS + ["   "], "category": LABELS + ["refund"]}).to_csv(train, index=False)
    test = tmp_path / "test.csv"
    pd.DataFrame({"text": UNSEEN, "label": UNSEEN_Y}).to_csv(test, index=False)
    return train, test


def test_train_then_eval(csvs, tmp_path):
    train, test = csvs
    out = tmp_path / "model"
    r = runner.invoke(app, ["intents", "train", str(train), "--out", str(out), "--features", "embedding", "--json"])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout[r.stdout.index("{"):])
    assert summary["n_train"] == 32 and summary["n_labels"] == 4 and summary["rows_left_out"] == 1
    assert (out / "meta.json").is_file() and (out / "weights.npz").is_file()

    r = runner.invoke(app, ["eval", "intents", str(test), "--model", str(out), "--threshold", "0", "--json"])
    assert r.exit_code == 0, r.output
    rep = json.loads(r.stdout[r.stdout.index("{"):])
    assert rep["n"] == 4 and rep["accuracy"] == 1.0 and rep["confusion_pairs"] == []

    r = runner.invoke(app, ["eval", "intents", str(test), "--model", str(out), "--threshold", "0"])
    assert r.exit_code == 0 and "macro_f1" in r.stdout and "precision" in r.stdout


def test_eval_cross_validation(csvs):
    train, _ = csvs
    r = runner.invoke(app, ["eval", "intents", str(train), "--cv", "2", "--features", "embedding", "--json"])
    assert r.exit_code == 0, r.output
    rep = json.loads(r.stdout[r.stdout.index("{"):])
    assert rep["k"] == 2 and rep["folds_run"] == 2 and rep["n"] == 32
    assert rep["accuracy_mean"] > 0.7


def test_bad_columns_are_a_clear_error(csvs, tmp_path):
    train, _ = csvs
    r = runner.invoke(app, ["intents", "train", str(train), "--out", str(tmp_path / "m"), "--label-col", "nope"])
    assert r.exit_code == 2
    assert "E203" in r.output and "utterance" in r.output
    r = runner.invoke(app, ["eval", "intents", str(train), "--model", str(tmp_path / "missing")])
    assert r.exit_code == 2 and "E201" in r.output


def test_default_ngram_head_and_weight_option(csvs, tmp_path):
    train, test = csvs
    out = tmp_path / "model"
    r = runner.invoke(app, ["intents", "train", str(train), "--out", str(out), "--features", "embedding+tfidf",
                            "--tfidf-weight", "auto", "--json"])
    assert r.exit_code == 0, r.output
    meta = json.loads((out / "meta.json").read_text())
    assert meta["params"]["feature_set"] == "embedding+tfidf" and meta["params"]["tfidf_weight"] == "auto"
    r = runner.invoke(app, ["eval", "intents", str(test), "--model", str(out), "--threshold", "0", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout[r.stdout.index("{"):])["accuracy"] == 1.0
    for bad in ("heavy", "-1"):
        r = runner.invoke(app, ["intents", "train", str(train), "--out", str(tmp_path / "m2"), "--tfidf-weight", bad])
        assert r.exit_code == 2 and "E104" in r.output and "--tfidf-weight" in r.output
