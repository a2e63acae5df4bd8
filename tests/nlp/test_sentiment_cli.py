"""`voc sentiment train` and `voc eval sentiment` through Typer's CliRunner, on a small hand-made CSV."""
from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from voc.cli import _wire, app

POS = ["Thanks a lot, the agent was wonderful", "Great app, I love it", "Super fast delivery, very happy",
       "Excellent support, problem solved", "Amazing service, thank you", "Really pleased with the refund",
       "Best customer care I have had", "Love the new features, brilliant", "Fantastic, it works perfectly now",
       "Happy with the quick answer, cheers", "Wonderful experience, will buy again", "Perfect, exactly what I needed"]
NEG = ["This is terrible, nobody helps", "I hate this app, it keeps crashing", "Awful service, still no refund",
       "Worst support ever, very angry", "Charged twice, this is a disgrace", "Horrible experience, I want to cancel",
       "Furious that my order is lost again", "Useless answers, totally frustrated", "Broken again, really disappointed",
       "Rude agent and no solution, awful", "Scam, I am never ordering again", "Pathetic delay, I am upset"]
NEU = ["My order number is 4821", "What time do you open on Monday", "I changed my address last week",
       "The parcel was sent on Tuesday", "Can I pay by bank transfer", "Where do I find the invoice",
       "The package contains two items", "I am writing about ticket 77", "Is the store in Leeds open",
       "My account uses the old email", "Please confirm the delivery date", "Which plan includes roaming"]


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    _wire()
    mp = pytest.MonkeyPatch()
    mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))  # embedding cache off the user's home
    yield CliRunner()
    mp.undo()


def write_small_csv(p):
    """The labelled tweets above as a text,label CSV at ``p``."""
    with open(p, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["text", "label"])
        for lab, texts in (("positive", POS), ("negative", NEG), ("neutral", NEU)):
            w.writerows((t, lab) for t in texts)
    return p


@pytest.fixture()
def small_csv(tmp_path):
    return write_small_csv(tmp_path / "small.csv")


def test_eval_vader_json(runner, small_csv):
    r = runner.invoke(app, ["eval", "sentiment", str(small_csv), "--backend", "vader", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    rep = doc["reports"][0]
    assert doc["n"] == 36 and rep["backend"] == "vader" and rep["protocol"].startswith("direct")
    assert rep["macro_recall"] > 0.5 and set(rep["per_class"]) == {"negative", "neutral", "positive"}
    assert doc["reference"]["macro_recall"] == pytest.approx(0.713)


def test_train_then_eval_on_the_training_data_is_cross_validated(runner, small_csv, tmp_path):
    out = tmp_path / "model.json"
    r = runner.invoke(app, ["sentiment", "train", str(small_csv), "--out", str(out), "--cv", "3", "--c-grid", "0.01"])
    assert r.exit_code == 0, r.output
    assert "3-fold cross-validation" in r.stdout and out.is_file()
    art = json.loads(out.read_text())
    assert art["trained_on"]["n"] == 36 and len(art["text_hashes"]) == 36 and art["cv"]["k"] == 3
    assert art["C_grid"] == [0.01] and art["command"].endswith("--cv 3 --c-grid 0.01")

    r = runner.invoke(app, ["eval", "sentiment", str(small_csv), "--backend", "trained", "--model", str(out), "--cv", "3"])
    assert r.exit_code == 0, r.output
    assert "cross-validation, out-of-fold" in r.stdout and "100% of these texts were in the model's training data" in r.stdout
    assert "macro-recall (TweetEval metric)" in r.stdout and "negative" in r.stdout
    assert "recall by class: negative " in r.stdout and "without the class-prior bias (same folds)" in r.stdout


def test_train_learns_and_saves_the_class_bias_and_prints_recall_by_class(runner, small_csv, tmp_path):
    out = tmp_path / "cal.json"
    r = runner.invoke(app, ["sentiment", "train", str(small_csv), "--out", str(out), "--cv", "3", "--c-grid", "0.01"])
    assert r.exit_code == 0, r.output
    assert "recall by class: negative " in r.stdout and "without the class bias" in r.stdout
    w = json.loads(out.read_text())["weights"]
    assert w["negative_recall_floor"] == 0.75 and len(w["class_bias"]) == 3 and w["class_bias"][1] == 0.0
    assert w["calibration"]["oof_recall_after"]["negative"] >= 0.75
    art = json.loads(out.read_text())
    assert set(art["cv"]["per_class_recall"]) == {"negative", "neutral", "positive"} and "uncalibrated" in art["cv"]

    off = tmp_path / "plain.json"
    r = runner.invoke(app,
                      ["sentiment", "train", str(small_csv), "--out", str(off), "--cv", "0", "--c-grid", "0.01",
                       "--no-calibrate"])
    assert r.exit_code == 0, r.output
    plain = json.loads(off.read_text())
    assert plain["weights"]["class_bias"] == [0.0, 0.0, 0.0] and plain["weights"]["negative_recall_floor"] is None
    assert plain["command"].endswith("--no-calibrate")
    r = runner.invoke(app, ["sentiment", "train", str(small_csv), "--out", str(off), "--neg-recall", "1.5"])
    assert r.exit_code == 2 and "E104" in r.output


def test_eval_of_unseen_texts_is_held_out(runner, small_csv, tmp_path):
    out = tmp_path / "model.json"
    r = runner.invoke(app, ["sentiment", "train", str(small_csv), "--out", str(out), "--cv", "0", "--c-grid", "0.01"])
    assert r.exit_code == 0, r.output
    other = tmp_path / "other.csv"
    other.write_text("text,label\nI really love this shop,positive\nThis is a terrible mess,negative\n"
                     "The invoice is attached,neutral\n", encoding="utf-8")
    r = runner.invoke(app, ["eval", "sentiment", str(other), "--backend", "trained", "--model", str(out), "--json"])
    assert r.exit_code == 0, r.output
    rep = json.loads(r.stdout)["reports"][0]
    assert rep["protocol"].startswith("held-out") and rep["training_overlap"] == 0.0 and rep["n"] == 3


def test_errors_are_reported_with_code_and_fix(runner, tmp_path, small_csv):
    r = runner.invoke(app, ["eval", "sentiment", str(tmp_path / "nope.csv")])
    assert r.exit_code == 2 and "E001" in r.output
    r = runner.invoke(app, ["eval", "sentiment", str(small_csv), "--backend", "textblob"])
    assert r.exit_code == 2 and "E104" in r.output
    r = runner.invoke(app,
                      ["eval", "sentiment", str(small_csv), "--backend", "transformers", "--model", str(tmp_path / "no_model")])
    assert r.exit_code == 2 and "E201" in r.output and "never downloads" in r.output
    bad = tmp_path / "bad.csv"
    bad.write_text("body,stars\nhello,5\n", encoding="utf-8")
    r = runner.invoke(app, ["sentiment", "train", str(bad), "--out", str(tmp_path / "m.json")])
    assert r.exit_code == 2 and "E203" in r.output
    few = tmp_path / "few.csv"
    few.write_text("text,label\ngood,positive\nbad,negative\nok,neutral\n", encoding="utf-8")
    r = runner.invoke(app, ["sentiment", "train", str(few), "--out", str(tmp_path / "m.json")])
    assert r.exit_code == 2 and "E204" in r.output
    badlab = tmp_path / "badlab.csv"
    badlab.write_text("text,label\ngood,joy\n", encoding="utf-8")
    r = runner.invoke(app, ["eval", "sentiment", str(badlab), "--backend", "vader"])
    assert r.exit_code == 2 and "E206" in r.output and "line 2" in r.output
