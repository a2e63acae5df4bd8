"""The engine contract (voc.engines.base): engines chosen by name, one batch loop through ``pipe`` for both
engines, one topic sample size. Runs without a JVM: the Spark partition function is called in this process."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from voc import registry
from voc.component import Batch, Component
from voc.config import TopicsConfig, load
from voc.errors import ConfigError
from voc.pipeline.batches import concat_batches, read_batches, run_components, split_batches
from voc.pipeline.progress import Timer

ROOT = Path(__file__).resolve().parents[2]
LOG: list[tuple[str, list[int]]] = []


class RecordsPipe(Component):
    """Records how it is driven: one entry per ``pipe`` call with the sizes of the batches it got, or one per
    ``__call__`` made outside ``pipe``."""
    name = "records_pipe"

    def __init__(self, config=None) -> None:
        self.in_pipe = False

    def __call__(self, batch: Batch) -> Batch:
        if not self.in_pipe:
            LOG.append(("call", [len(batch)]))
        contacts = batch.contacts.copy()
        contacts["n_in_batch"] = np.int64(len(batch))
        return replace(batch, contacts=contacts)

    def pipe(self, batches):
        sizes: list[int] = []
        LOG.append(("pipe", sizes))
        self.in_pipe = True
        try:
            for b in batches:
                sizes.append(len(b))
                yield self(b)
        finally:
            self.in_pipe = False


@pytest.fixture
def records_pipe():
    registry.components.register("records_pipe")(RecordsPipe)
    LOG.clear()
    yield
    registry.components.unregister("records_pipe")
    LOG.clear()


def test_engines_are_chosen_by_name() -> None:
    from voc.engines.base import Engine, get_engine
    from voc.engines.local import LocalEngine

    assert get_engine("local") is LocalEngine and issubclass(LocalEngine, Engine)
    assert issubclass(get_engine("spark"), Engine) and get_engine("spark").name == "spark"   # no pyspark import yet
    with pytest.raises(ConfigError) as e:
        get_engine("dask")
    assert e.value.code == "E103" and "local, spark" in str(e.value)     # every engine named, loaded or not


def test_run_all_takes_the_engine_from_the_config_or_the_argument(tmp_path: Path) -> None:
    from voc.pipeline.run import run_all

    src = ROOT / "fixtures" / "transcripts"
    for conf, engine in ((load(None, {}), "dask"), (load(None, {"engine": "dask"}), None)):
        with pytest.raises(ConfigError) as e:
            run_all(src, tmp_path / "out", conf, engine=engine)
        assert e.value.code == "E103" and "dask" in str(e.value)
        assert not (tmp_path / "out").exists()                     # refused before anything is read or written
    cheap = {"pipeline": ["sentiment"], "sentiment.backend": "vader", "report.html": False, "redact.enabled": False}
    res = run_all(src, tmp_path / "out", load(None, {**cheap, "engine": "dask"}), engine="local")   # the argument wins
    assert res.analyze.run["engine"] == "local" and res.analyze.run["counts"]["contacts_out"] > 0


def test_cli_engine_option_names_the_engines(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from voc.cli import _wire, app

    _wire()
    res = CliRunner().invoke(app, ["analyze", str(ROOT / "fixtures" / "transcripts"), "--out", str(tmp_path / "o"),
                                   "--engine", "dask"])
    text = " ".join(res.output.split())
    assert res.exit_code == 2 and "E103" in text and "local, spark" in text, res.output
    assert "Traceback" not in res.output and not (tmp_path / "o").exists()


def test_spark_partition_pipes_the_batches_as_the_local_engine(records_pipe) -> None:
    """The Spark partition function hands each step's ``pipe`` the same sequence of batches (same sizes, across
    Arrow batch boundaries) as the local engine; it used to call every step per batch and never used ``pipe``."""
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'voc[spark]')")
    from voc.engines.spark import nlp

    cfg = load(None, {"pipeline": ["records_pipe"], "redact.enabled": False})
    batches, _, _ = read_batches(ROOT / "fixtures" / "transcripts", cfg)
    corpus = concat_batches(batches)
    assert len(corpus) > 40, "the fixtures must span several batches of 16"
    size = 16

    local = concat_batches(run_components(split_batches(corpus.contacts, corpus.messages, size),
                                          {"records_pipe": RecordsPipe()}, Timer()))
    local_log = list(LOG)
    LOG.clear()

    keys = pd.DataFrame({"file_index": np.zeros(len(corpus), dtype=np.int64),
                         "item_index": np.arange(len(corpus), dtype=np.int64)})
    records = nlp.from_batch(keys, corpus, nlp.output_schema(corpus))
    arrow_batches = records.to_batches(max_chunksize=7)            # Arrow batches smaller than a component batch
    probe = nlp.run_steps(split_batches(corpus.contacts, corpus.messages, 8)[0], {"records_pipe": RecordsPipe()})
    LOG.clear()
    spec = nlp.StageSpec(cfg.model_dump_json(), ("records_pipe",), nlp.output_schema(probe), size)
    out = list(nlp.stage_fn(spec)(iter(arrow_batches)))
    import pyarrow as pa

    _, spark_final = nlp.to_batch(pa.Table.from_batches(out))

    expected = [size] * (len(corpus) // size) + ([len(corpus) % size] if len(corpus) % size else [])
    assert local_log == [("pipe", expected)]
    assert LOG == local_log
    assert spark_final.contacts["contact_id"].tolist() == local.contacts["contact_id"].tolist()
    assert spark_final.contacts["n_in_batch"].tolist() == local.contacts["n_in_batch"].tolist()
    assert len(spark_final.messages) == len(corpus.messages)


def test_rebatch_keeps_each_contacts_messages() -> None:
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'voc[spark]')")
    from voc.engines.spark.nlp import rebatch

    cfg = load(None, {"redact.enabled": False})
    batches, _, _ = read_batches(ROOT / "fixtures" / "transcripts", cfg, batch_size=5)
    pieces = [(pd.DataFrame({"file_index": [0] * len(b), "item_index": range(len(b))}), b) for b in batches]
    out = list(rebatch(iter(pieces), 12))
    assert [len(b) for _, b in out][:-1] == [12] * (len(out) - 1) and 0 < len(out[-1][1]) <= 12
    for k, b in out:
        assert len(k) == len(b)
        ids = set(b.contacts["contact_id"].astype(str))
        assert set(b.messages["contact_id"].astype(str)) <= ids
    whole = concat_batches(batches)
    assert sum(len(b.messages) for _, b in out) == len(whole.messages)
    assert [c for _, b in out for c in b.contacts["contact_id"]] == whole.contacts["contact_id"].tolist()


def test_one_topic_sample_size() -> None:
    """topics.fit_max is the one knob: the component says which rows it fits on (Spark collects only those)."""
    from voc.nlp.topics.component import TopicsComponent

    step = TopicsComponent(TopicsConfig(fit_max=100, seed=7))
    keep = step.fit_sample(250)
    assert len(keep) == 100 and len(set(keep.tolist())) == 100 and (np.diff(keep) > 0).all() and keep.max() < 250
    assert np.array_equal(keep, TopicsComponent(TopicsConfig(fit_max=100, seed=7)).fit_sample(250))
    assert step.fit_sample(100) is None                          # fitting on the sample itself samples nothing more
    assert TopicsComponent(TopicsConfig(fit_max=None)).fit_sample(10**6) is None
    assert TopicsComponent(TopicsConfig(fit_max=100, model="some/saved/model")).fit_sample(250) is None


def test_the_removed_spark_topic_sample_knob_names_its_replacement(tmp_path: Path) -> None:
    """spark.topics_fit_max had no effect (topics.fit_max sampled first): a config setting it is an error naming
    topics.fit_max, with the file and line, never a setting silently ignored."""
    with pytest.raises(ConfigError) as e:
        load(None, {"spark.topics_fit_max": 5000})
    assert e.value.code == "E102" and "topics.fit_max" in str(e.value) and "5000" in str(e.value)
    p = tmp_path / "voc.yaml"
    p.write_text("topics:\n  fit_max: 500\nspark:\n  topics_fit_max: 5000\n", encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load(p)
    assert "voc.yaml line 3" in str(e.value) and "topics.fit_max" in str(e.value)
    assert load(None, {"topics.fit_max": 500}).topics.fit_max == 500
