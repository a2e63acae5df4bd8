"""IntentClassifier as a scikit-learn estimator, its artifact (parameters + fitted state) and the one
definition of its training defaults (intent.train in voc/config.py).

Older artifacts: tests/data/intent_artifacts/format2 was written by the format-2 save path of voc
(commit a8ba765) together with the predictions of the classifier that wrote it; ``save_format_2``
below is that save path, verbatim but for ``clf._params()`` (spelled out), to write the variants the
fixture does not hold (the out-of-scope distance rule, format 1)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted
from typer.testing import CliRunner

from tests.nlp.test_intent_classifier import EMB, LABELS, TEXTS, UNSEEN
from voc.config import EmbedConfig, IntentTrainConfig, VocConfig
from voc.errors import Errors, VocError
from voc.nlp.intent import IntentClassifier
from voc.nlp.intent.classifier import FITTED

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "intent_artifacts"
OOS = ["what's the weather tomorrow", "tell me a joke", "who won the football game", "play some music",
       "how tall is mount everest", "translate hello to spanish"]


def save_format_2(clf, path: Path, format_version: int = 2) -> Path:
    """voc's artifact writer of format 2 (voc/nlp/intent/artifact.py at commit a8ba765)."""
    import voc
    from voc.datasets import atomic_dir
    from voc.nlp.intent import features

    finetuned = clf.encoder_dir_ is not None
    embed_model = "encoder" if finetuned else clf.embed_config_.model
    meta = {
        "format": "voc-intent-classifier",
        "format_version": format_version,
        "voc_version": voc.__version__,
        "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "embedding_model": clf.model_id_,
        "embed_model_path": embed_model,
        "finetuned": finetuned,
        "labels": [str(c) for c in clf.classes_],
        "unknown_label": clf.unknown_label,
        "threshold": clf.threshold_,
        "temperature": clf.temperature_,
        "feature_set": clf.feature_set,
        "tfidf_weight": clf.tfidf_weight_,
        "n_train": clf.n_train_,
        "n_oos_train": clf.n_oos_train_,
        "class_counts": clf.class_counts_,
        "holdout": clf.holdout_,
        "cv": clf.cv_,
        "fit_seconds": clf.fit_seconds_,
        "params": {**{k: getattr(clf, k) for k in ("C", "feature_set", "tfidf_weight", "tfidf_C", "threshold", "holdout",
                                                   "unknown_label", "min_per_class", "max_iter", "finetune", "finetune_epochs",
                                                   "finetune_lr", "finetune_batch_size", "seed", "ood")},
                   "oos_labels": list(clf.oos_labels)},
        "ood_rule": None if getattr(clf, "ood_rule_", None) is None else
                    {"weight": clf.ood_rule_.weight, "threshold": clf.ood_rule_.threshold, "norm": list(clf.ood_rule_.norm)},
    }
    arrays = {"coef": clf.coef_, "intercept": clf.intercept_}
    if clf.tfidf_ is not None:
        arrays["tfidf_vocab"], arrays["tfidf_idf"] = features.tfidf_to_arrays(clf.tfidf_)
        arrays["tfidf_coef"], arrays["tfidf_intercept"] = clf.tfidf_coef_, clf.tfidf_intercept_
    if getattr(clf, "distance_", None) is not None:
        arrays["ood_means"], arrays["ood_precision"] = clf.distance_.means, clf.distance_.precision
    with atomic_dir(path, dataset="intent model") as tmp:
        np.savez_compressed(tmp / "weights.npz", **arrays)
        (tmp / "meta.json").write_text(json.dumps(meta, indent=2, default=str), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def oos_clf():
    """Trained with out-of-scope examples: the distance rule is fitted (every fitted attribute is set)."""
    clf = IntentClassifier(embed=EMB, feature_set="embedding+tfidf", holdout=0.25).fit(TEXTS + OOS, LABELS + ["oos"] * len(OOS))
    assert clf.ood_rule_ is not None and clf.distance_ is not None and clf.tfidf_ is not None
    return clf


# ---- the estimator contract ------------------------------------------------------------------------

def test_params_clone_and_fitted_state(oos_clf):
    est = IntentClassifier(embed=EMB, C=3.0, oos_labels=("none",))
    assert est.get_params()["C"] == 3.0 and est.set_params(tfidf_C=2.0) is est and est.tfidf_C == 2.0
    with pytest.raises(NotFittedError):
        check_is_fitted(est)
    with pytest.raises(NotFittedError):
        est.predict_proba(["hello"])
    fresh = clone(oos_clf)                            # unfitted, the same parameters
    assert fresh.get_params() == oos_clf.get_params()
    with pytest.raises(NotFittedError):
        check_is_fitted(fresh)
    check_is_fitted(oos_clf)
    params = oos_clf.get_params()
    assert set(vars(oos_clf)) == set(params) | set(FITTED)   # fit learned only the attributes of FITTED ...
    assert all(name.endswith("_") for name in FITTED)        # ... each ending in '_'
    assert set(vars(fresh)) == set(params)                   # the constructor stores its parameters, nothing else


def test_fit_leaves_the_parameters_as_given():
    labels = ("oos",)
    est = IntentClassifier(embed=EMB, feature_set="embedding", holdout=0.25, oos_labels=labels)
    before = dict(est.get_params())
    est.fit(TEXTS, LABELS)
    after = est.get_params()
    assert after == before and after["oos_labels"] is labels and after["embed"] is EMB


def test_from_fitted_rebuilds_the_estimator(oos_clf):
    back = IntentClassifier.from_fitted(oos_clf.get_params(), oos_clf.fitted_state())
    assert back.get_params() == oos_clf.get_params()
    np.testing.assert_array_equal(back.predict(UNSEEN + OOS)[0], oos_clf.predict(UNSEEN + OOS)[0])
    state = oos_clf.fitted_state()
    with pytest.raises(ValueError, match="lacks coef_"):
        IntentClassifier.from_fitted({}, {k: v for k, v in state.items() if k != "coef_"})
    with pytest.raises(ValueError, match="unknown extra_"):
        IntentClassifier.from_fitted({}, {**state, "extra_": 1})
    with pytest.raises(ValueError, match="unknown parameter"):
        IntentClassifier.from_fitted({"colour": "red"}, state)
    with pytest.raises(ValueError, match="classes"):
        IntentClassifier.from_fitted({}, {**state, "coef_": state["coef_"][:2]})


def test_artifact_holds_params_and_fitted_state(oos_clf, tmp_path):
    out = oos_clf.save(tmp_path / "m")
    meta = json.loads((out / "meta.json").read_text())
    assert meta["format_version"] == 3
    assert set(meta["params"]) == set(oos_clf.get_params()) - {"embed"}
    assert set(meta["fitted"]) == set(FITTED) - {"embed_config_", "model_id_", "embed_precision_", "encoder_dir_"}
    assert meta["embed_precision"] == oos_clf.embed_precision_ in ("fp32", "int8", "fp16")
    back = IntentClassifier.load(out, embed=EMB)
    assert {k: v for k, v in back.get_params().items() if k != "embed"} == \
           {k: v for k, v in oos_clf.get_params().items() if k != "embed"}
    assert back.ood_rule_ == oos_clf.ood_rule_ and back.holdout_ == oos_clf.holdout_
    texts = UNSEEN + OOS
    np.testing.assert_allclose(back.predict_proba(texts), oos_clf.predict_proba(texts), atol=1e-6)
    np.testing.assert_array_equal(back.predict(texts)[0], oos_clf.predict(texts)[0])


def test_artifact_with_inconsistent_state_is_a_clear_error(oos_clf, tmp_path):
    out = oos_clf.save(tmp_path / "m")
    meta = json.loads((out / "meta.json").read_text())
    meta["fitted"]["classes_"]["strings"].append("extra")
    (out / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(VocError) as ei:
        IntentClassifier.load(out, embed=EMB)
    assert ei.value.code == "E202" and "classes" in ei.value.cause
    del meta["fitted"]["coef_"]
    (out / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(VocError) as ei:
        IntentClassifier.load(out, embed=EMB)
    assert ei.value.code == "E202" and "coef_" in ei.value.cause


# ---- artifacts of earlier formats ---------------------------------------------------------------------

def test_format_2_fixture_gives_the_predictions_of_the_classifier_that_wrote_it():
    expected = json.loads((FIXTURES / "format2_expected.json").read_text())
    # The fixture's predictions were written with fp32 vectors (the default precision of that release).
    clf = IntentClassifier.load(FIXTURES / "format2", embed=EmbedConfig(cache_dir="none", precision="fp32"))
    np.testing.assert_allclose(clf.predict_proba(expected["texts"]), expected["proba"], atol=1e-5)
    labels, conf = clf.predict(expected["texts"])
    assert list(labels) == expected["labels"]
    np.testing.assert_allclose(conf, expected["confidence"], atol=1e-5)
    info = clf.info()
    assert info.pop("embed_precision") is None      # format 2 did not record the encoder precision: unknown
    assert info == expected["info"]
    assert clf.get_params()["threshold"] == 0.3 and clf.get_params()["holdout"] == 0


def test_format_2_writer_kept_here_is_the_one_that_wrote_the_fixture(tmp_path):
    clf = IntentClassifier.load(FIXTURES / "format2", embed=EMB)
    out = save_format_2(clf, tmp_path / "again")
    old, new = (json.loads((p / "meta.json").read_text()) for p in (FIXTURES / "format2", out))
    skip = {"created_at", "voc_version"}
    assert {k: v for k, v in new.items() if k not in skip} == {k: v for k, v in old.items() if k not in skip}
    with np.load(FIXTURES / "format2" / "weights.npz") as a, np.load(out / "weights.npz") as b:
        assert sorted(a.files) == sorted(b.files)
        for k in a.files:
            np.testing.assert_array_equal(a[k], b[k])


def test_format_2_with_the_distance_rule(oos_clf, tmp_path):
    back = IntentClassifier.load(save_format_2(oos_clf, tmp_path / "v2"), embed=EMB)
    texts = UNSEEN + OOS
    np.testing.assert_allclose(back.predict_proba(texts), oos_clf.predict_proba(texts), atol=1e-6)
    np.testing.assert_array_equal(back.predict(texts)[0], oos_clf.predict(texts)[0])
    assert back.ood_rule_ == oos_clf.ood_rule_
    again = IntentClassifier.load(back.save(tmp_path / "v3"), embed=EMB)     # re-saved in today's format
    np.testing.assert_array_equal(again.predict(texts)[0], oos_clf.predict(texts)[0])


def test_format_1_artifacts(tmp_path):
    # voc 0.1.0's format 1 had the embedding head alone readable as is; its joined-feature variant is not
    clf = IntentClassifier(embed=EMB, feature_set="embedding", holdout=0.25).fit(TEXTS, LABELS)
    out = save_format_2(clf, tmp_path / "m", format_version=1)
    np.testing.assert_allclose(IntentClassifier.load(out, embed=EMB).predict_proba(UNSEEN), clf.predict_proba(UNSEEN), atol=1e-6)
    meta = json.loads((out / "meta.json").read_text())
    meta["feature_set"] = "embedding+tfidf"
    (out / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(VocError) as ei:
        IntentClassifier.load(out)
    assert ei.value.code == "E205"


# ---- training defaults: one definition --------------------------------------------------------------

def _estimator_defaults() -> dict:
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in IntentClassifier().get_params().items() if k != "embed"}


def test_estimator_defaults_are_the_config_defaults():
    assert _estimator_defaults() == IntentTrainConfig().model_dump()
    assert VocConfig().intent.train == IntentTrainConfig()
    from voc.nlp.embed.resolve import DEFAULT_MODEL

    assert DEFAULT_MODEL == EmbedConfig().model


@pytest.fixture()
def recorded_fit(monkeypatch):
    """IntentClassifier.fit records the estimator's parameters and stops the command (no encoder run)."""
    seen: list[dict] = []

    def fit(self, texts, labels, *, source="training data"):
        seen.append(self.get_params())
        raise VocError(Errors.E204, path=source, detail="stopped by the test", min_per_class=self.min_per_class)

    monkeypatch.setattr(IntentClassifier, "fit", fit)
    return seen


def _train_csv(tmp_path: Path) -> Path:
    p = tmp_path / "train.csv"
    pd.DataFrame({"text": TEXTS, "label": LABELS}).to_csv(p, index=False)
    return p


def test_intents_train_defaults_come_from_the_config(recorded_fit, tmp_path):
    from voc.cli import _wire, app

    _wire()
    runner = CliRunner()
    data = _train_csv(tmp_path)
    r = runner.invoke(app, ["intents", "train", str(data), "--out", str(tmp_path / "m")])
    assert "stopped by the test" in r.output, r.output
    got = {k: (list(v) if isinstance(v, tuple) else v) for k, v in recorded_fit[-1].items() if k != "embed"}
    assert got == IntentTrainConfig().model_dump() == _estimator_defaults()
    assert recorded_fit[-1]["embed"] == EmbedConfig()

    conf = tmp_path / "voc.yaml"
    conf.write_text("intent:\n  train:\n    C: 3.5\n    holdout: 0.2\n    tfidf_weight: auto\nembed:\n  precision: int8\n")
    r = runner.invoke(app, ["intents", "train", str(data), "--out", str(tmp_path / "m"), "--config", str(conf), "--C", "7"])
    assert "stopped by the test" in r.output, r.output
    got = recorded_fit[-1]
    assert got["C"] == 7.0 and got["holdout"] == 0.2 and got["tfidf_weight"] == "auto"   # an option beats the config
    assert got["embed"].precision == "int8"

    conf.write_text("intent:\n  train:\n    C_typo: 3\n")
    r = runner.invoke(app, ["intents", "train", str(data), "--out", str(tmp_path / "m"), "--config", str(conf)])
    assert r.exit_code == 2 and "C_typo" in r.output


def test_eval_intents_defaults_come_from_the_config(monkeypatch, tmp_path):
    from voc.cli import _wire, app
    from voc.nlp.intent import evaluate

    seen: list[dict] = []

    def cv_intents(texts, labels, *, params, **kw):
        seen.append(params)
        raise VocError(Errors.E204, path="cv", detail="stopped by the test", min_per_class=2)

    monkeypatch.setattr(evaluate, "cv_intents", cv_intents)
    _wire()
    r = CliRunner().invoke(app, ["eval", "intents", str(_train_csv(tmp_path)), "--cv", "2"])
    assert "stopped by the test" in r.output, r.output
    got = {k: (list(v) if isinstance(v, tuple) else v) for k, v in seen[-1].items() if k != "embed"}
    assert got == IntentTrainConfig().model_dump() == _estimator_defaults()
    assert seen[-1]["embed"] == EmbedConfig()


def test_config_rejects_bad_training_values():
    from voc import config as cfg

    for bad in ({"tfidf_weight": -1}, {"threshold": 2}, {"feature_set": "words"}, {"holdout": 1}):
        with pytest.raises(VocError):
            cfg.from_dict({"intent": {"train": bad}})
    assert cfg.from_dict({"intent": {"train": {"tfidf_weight": "auto", "threshold": 0.4}}}).intent.train.threshold == 0.4
