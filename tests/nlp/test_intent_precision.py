"""An intent artifact records the encoder precision it was trained with; a run in another precision is warned about
(E209: terminal, run.json, report) unless the pair was measured as interchangeable (voc.nlp.intent.precision)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from voc.config import EmbedConfig, IntentConfig
from voc.nlp.embed import get_embedder
from voc.nlp.intent import IntentClassifier, IntentComponent
from voc.nlp.intent.precision import INTERCHANGEABLE, precision_warning

EMB = EmbedConfig(cache_dir="none")
TEXTS = ["app crashes", "the app keeps crashing", "error when opening the app", "the app freezes",
         "double charge on my card", "charged twice", "two payments for one order", "billed two times"]
LABELS = ["tech"] * 4 + ["billing"] * 4


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("intent") / "m"
    IntentClassifier(embed=EMB, feature_set="embedding", holdout=0).fit(TEXTS, LABELS).save(out)
    return out


def _with_precision(model_dir: Path, tmp_path: Path, precision) -> Path:
    """A copy of the artifact whose meta.json says it was trained in ``precision`` (None: the key absent, as in
    artifacts written before voc recorded it)."""
    import shutil

    out = tmp_path / f"m-{precision}"
    shutil.copytree(model_dir, out)
    meta = json.loads((out / "meta.json").read_text())
    if precision is None:
        del meta["embed_precision"]
    else:
        meta["embed_precision"] = precision
    (out / "meta.json").write_text(json.dumps(meta))
    return out


def test_artifact_records_the_precision_of_its_training_vectors(model_dir):
    run_precision = get_embedder(EMB).precision        # auto: int8 on the CPU (fp16 on a CUDA GPU)
    meta = json.loads((model_dir / "meta.json").read_text())
    assert meta["embed_precision"] == run_precision in ("fp32", "int8", "fp16")
    back = IntentClassifier.load(model_dir, embed=EMB)
    assert back.embed_precision_ == run_precision and back.info()["embed_precision"] == run_precision
    fp32 = IntentClassifier(embed=EMB.model_copy(update={"precision": "fp32"}), feature_set="embedding", holdout=0)
    assert fp32.fit(TEXTS, LABELS).embed_precision_ == "fp32"


def test_older_artifact_without_the_precision_loads_as_unknown(model_dir, tmp_path):
    old = _with_precision(model_dir, tmp_path, None)
    clf = IntentClassifier.load(old, embed=EMB)
    assert clf.embed_precision_ is None
    assert clf.predict(["the app crashed again"])[0][0] == "tech"
    comp = IntentComponent(IntentConfig(model=str(old)), embed=EMB)
    assert comp.warnings() == []
    assert comp.info()["embed_precision"].startswith("not recorded")


def test_only_unmeasured_precision_pairs_are_warned_about():
    assert frozenset({"fp32", "int8"}) in INTERCHANGEABLE
    for trained, used in (("fp32", "int8"), ("int8", "fp32"), ("int8", "int8"), ("fp16", "fp16"), (None, "fp16")):
        assert precision_warning("m", trained, used, "auto") is None, (trained, used)
    for trained, used in (("fp16", "int8"), ("fp32", "fp16"), ("int8", "fp16"), ("fp16", "fp32")):
        w = precision_warning("models/intents", trained, used, "auto")
        assert w["code"] == "E209" and w["source"] == "intent" and w["level"] == "warning"
        assert "models/intents" in w["message"] and trained in w["message"] and used in w["message"]
        assert f"embed.precision: {trained}" in w["fix"]


def test_component_warns_when_the_run_precision_differs_unmeasured(model_dir, tmp_path):
    used = get_embedder(EMB).precision
    trained = "fp16" if used != "fp16" else "int8"
    gpu_model = _with_precision(model_dir, tmp_path, trained)       # e.g. trained on a GPU, run on a CPU
    comp = IntentComponent(IntentConfig(model=str(gpu_model)), embed=EMB)
    [w] = comp.warnings()
    assert w["code"] == "E209" and str(gpu_model) in w["message"]
    assert comp.info()["embed_precision"] == trained and comp.info()["run_precision"] == used
    same = IntentComponent(IntentConfig(model=str(model_dir)), embed=EMB)
    assert same.warnings() == []
    measured = _with_precision(model_dir, tmp_path, "fp32" if used == "int8" else "int8")
    if frozenset({used, json.loads((measured / "meta.json").read_text())["embed_precision"]}) in INTERCHANGEABLE:
        assert IntentComponent(IntentConfig(model=str(measured)), embed=EMB).warnings() == []


def test_precision_warning_reaches_run_json_report_and_terminal(model_dir, tmp_path, fixtures_dir):
    from voc.cli import _wire, app

    _wire()
    used = get_embedder(EmbedConfig()).precision
    gpu_model = _with_precision(model_dir, tmp_path, "fp16" if used != "fp16" else "int8")
    cfg = tmp_path / "c.yaml"
    cfg.write_text("pipeline: [redact, embed, intent]\ntrends: {enabled: false}\n")
    out = tmp_path / "o"
    res = CliRunner().invoke(app, ["analyze", str(fixtures_dir / "zendesk"), "--out", str(out), "--intents",
                                   str(gpu_model), "--no-topics", "--config", str(cfg)])
    assert res.exit_code == 0, res.output
    assert "E209" in res.output
    warnings = json.loads((out / "run.json").read_text())["warnings"]
    assert [w["code"] for w in warnings].count("E209") == 1
    assert "E209" in (out / "report.html").read_text()
