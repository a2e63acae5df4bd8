"""`voc intents suggest`: a taxonomy suggested from unlabelled contacts, in the shipped taxonomy's format,
usable as is for zero-shot intents (real encoder, tests/data/topics_support_texts.csv: 8 themes)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.metrics import normalized_mutual_info_score
from typer.testing import CliRunner

from voc.cli import _wire, app
from voc.config import EmbedConfig
from voc.nlp.intent.suggest import slug
from voc.nlp.intent.taxonomy import DEFAULT_TAXONOMY, load_taxonomy
from voc.nlp.intent.zero_shot import ZeroShotIntentClassifier

_wire()
runner = CliRunner()


@pytest.fixture(scope="module")
def export(root, tmp_path_factory):
    df = pd.read_csv(root / "tests" / "data" / "topics_support_texts.csv")
    folder = tmp_path_factory.mktemp("export")
    df.drop(columns=["theme"]).to_csv(folder / "tickets.csv", index=False)
    return df, folder


def test_suggest_writes_an_editable_taxonomy_that_zero_shot_uses(export, tmp_path):
    df, folder = export
    out = tmp_path / "taxonomy.yaml"
    r = runner.invoke(app, ["intents", "suggest", str(folder), "--out", str(out), "--examples", "5"])
    assert r.exit_code == 0, r.output
    tax = load_taxonomy(out)                      # parses with the shipped taxonomy's rules
    shipped = yaml.safe_load(DEFAULT_TAXONOMY.read_text())
    written = yaml.safe_load(out.read_text())
    assert set(written) <= set(shipped) and set(written["intents"][0]) == set(shipped["intents"][0])
    assert 6 <= len(tax.intents) <= 11 and 0 < tax.threshold < 1
    assert all(1 <= len(i.examples) <= 5 and i.description for i in tax.intents)
    themed = df[df["theme"] != "noise"]
    # the examples are the customers' own (redacted) words, and no placeholder-only names
    assert all(ex.split(" ...")[0] in " ".join(df["text"]) or "[" in ex for i in tax.intents for ex in i.examples)
    # used as a zero-shot taxonomy, it separates the 8 themes of the very contacts it came from
    clf = ZeroShotIntentClassifier(tax, embed=EmbedConfig(precision="int8")).fit()
    pred, _ = clf.predict(themed["text"].tolist())
    assert normalized_mutual_info_score(themed["theme"], pred) >= 0.8
    assert np.mean(pred == tax.unknown_label) <= 0.15
    # an existing file is kept unless --force
    r = runner.invoke(app, ["intents", "suggest", str(folder), "--out", str(out)])
    assert r.exit_code == 2 and "--force" in r.output


def test_suggest_from_too_few_contacts_is_a_coded_error(tmp_path):
    folder = tmp_path / "few"
    folder.mkdir()
    pd.DataFrame({"contact_id": ["a", "b"], "created_at": ["2024-01-01T00:00:00Z"] * 2,
                  "text": ["refund please", "my card is blocked"]}).to_csv(folder / "t.csv", index=False)
    r = runner.invoke(app, ["intents", "suggest", str(folder), "--out", str(tmp_path / "t.yaml")])
    assert r.exit_code == 2 and "E208" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["intents", "suggest", str(tmp_path / "missing"), "--out", str(tmp_path / "t.yaml")])
    assert r.exit_code == 2 and "E001" in r.output


def test_slug_names():
    assert slug("card payment · pending") == "card_payment_pending"
    assert slug("  ") == "topic"
