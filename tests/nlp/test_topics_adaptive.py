"""Topic discovery that adapts to corpus size (issue 13): settings scaled to n, no giant topic,
placeholders never keywords, and a labels file that renames / merges topics and survives save/load."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import shared_file
from voc.config import TopicsConfig
from voc.errors import VocError
from voc.nlp.topics import TopicModel
from voc.nlp.topics.clustering import SplittingHDBSCAN
from voc.nlp.topics.labels_file import labels_template, parse_labels, read_labels
from voc.nlp.topics.sizing import MIN_DOCS, effective_params
from voc.nlp.topics.vocabulary import CONTRACTIONS, analyze, strip_placeholders

PLACEHOLDERS = ["[PERSON]", "[EMAIL]", "[PHONE]", "<CARD>", "[ORDER_ID]", "{{name}}", "__NUM__", "<num>", "num",
                "XXXX", "xxxxxx", "EMAIL", "PERSON"]


@pytest.fixture(scope="module")
def int8_embedder():
    from voc.config import EmbedConfig
    from voc.nlp.embed import Embedder

    return Embedder(EmbedConfig(precision="int8"))


# ------------------------------------------------------------------ sizing
def test_auto_settings_scale_with_the_corpus():
    cfg = TopicsConfig()
    p500, p2k, p10k, p100k = (effective_params(n, cfg) for n in (500, 2000, 10_000, 100_000))
    assert p500.min_topic_size < p2k.min_topic_size <= p10k.min_topic_size == p100k.min_topic_size == 15
    assert p500.min_topic_size == 6 and p500.n_neighbors == 11 and p10k.n_neighbors == 15
    assert all(p.min_samples <= p.min_topic_size for p in (p500, p2k, p10k))
    assert p500.adapted and p500.min_samples == 3  # auto-scaled settings are reported as adapted
    # a value set by the user is kept, and shrinks (adapted) only when the corpus cannot hold it
    fixed = TopicsConfig(min_topic_size=10, n_neighbors=15, min_samples=5)
    assert effective_params(5000, fixed).min_topic_size == 10 and not effective_params(5000, fixed).adapted
    assert effective_params(40, fixed).adapted
    for n in range(MIN_DOCS, 300, 7):
        p = effective_params(n, cfg)
        assert 2 <= p.n_neighbors < n and 3 <= p.min_topic_size <= max(3, n // 8) and p.min_samples >= 1


def test_splitting_hdbscan_splits_a_giant_cluster():
    rng = np.random.default_rng(0)
    # one far-away small group, and a big mass made of 6 close but distinct sub-groups
    centres = [np.array([i * 0.7, 0.0]) for i in range(6)]
    big = np.vstack([c + rng.normal(scale=0.15, size=(60, 2)) for c in centres])
    small = np.array([40.0, 40.0]) + rng.normal(scale=0.15, size=(30, 2))
    x = np.vstack([big, small])
    plain = SplittingHDBSCAN(min_cluster_size=10, max_share=1.0).fit(x)
    split = SplittingHDBSCAN(min_cluster_size=10, max_share=0.3).fit(x)
    share = lambda labels: np.bincount(labels[labels >= 0]).max() / len(labels)
    assert share(plain.labels_) > 0.5            # the bug: excess-of-mass keeps the whole mass as one topic
    assert share(split.labels_) <= 0.3 and split.splits_
    assert len(set(split.labels_.tolist()) - {-1}) >= 5


# ------------------------------------------------------- placeholders
@settings(max_examples=60, deadline=None)
@given(words=st.lists(st.sampled_from(["refund", "card", "delivery", "late", "password", "reset", "order", "my",
                                       "the", "charged", "twice", "email", "address", "change"]), min_size=1, max_size=12),
       marks=st.lists(st.sampled_from(PLACEHOLDERS), min_size=1, max_size=4), seed=st.integers(0, 10_000))
def test_placeholders_never_become_keyword_terms(words, marks, seed):
    rng = np.random.default_rng(seed)
    tokens = list(words)
    for m in marks:
        tokens.insert(int(rng.integers(0, len(tokens) + 1)), m)
    terms = analyze(" ".join(tokens))
    flat = {w for t in terms for w in t.split()}
    assert not flat & {"num", "xxxx", "xxxxxx", "person", "order_id", "name", "card"} - set(words)
    # a genuine word survives when it is not a placeholder
    for w in {"refund", "delivery", "password"} & set(words):
        assert w in flat


def test_strip_placeholders_keeps_genuine_words():
    assert strip_placeholders("change my email to [EMAIL] num 55 XXXX").split() == ["change", "my", "email", "to", "55"]


# --------------------------------------------------- real corpus, small n
@pytest.mark.slow
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 2**16))
def test_no_topic_holds_half_of_500_docs_from_20_intents(shared_data, int8_embedder, seed):
    df = pd.read_csv(shared_file(shared_data, "banking77/train.csv"))
    rng = np.random.default_rng(seed)
    intents = rng.choice(sorted(df["category"].unique()), 20, replace=False)
    pool = df[df["category"].isin(intents)]
    sample = pool.sample(n=500, random_state=seed).reset_index(drop=True)
    texts = [f"{t} [PERSON] num" if i % 3 == 0 else t for i, t in enumerate(sample["text"])]
    m = TopicModel(TopicsConfig()).fit(texts, int8_embedder.encode(sample["text"].tolist()))
    sizes = np.bincount(m.topics_[m.topics_ >= 0])
    assert sizes.max() <= 0.5 * len(texts)
    assert m.n_topics_ >= 8
    # every keyword word is a word of the customers' own text: the injected placeholders never are keywords
    keywords = {w for kws in m.keywords_.values() for k in kws for w in k.split()}
    # (BERTopic deletes apostrophes before counting: compare with the text as it sees it)
    own = {w for t in sample["text"] for w in analyze(re.sub(r"[^A-Za-z0-9 ]+", "", t)) if " " not in w}
    assert keywords and keywords <= own
    assert not keywords & CONTRACTIONS  # "hadn't" counted as "hadnt" was a keyword before


# --------------------------------------------------------- labels file
@pytest.fixture(scope="module")
def small_model(int8_embedder, root):
    df = pd.read_csv(root / "tests" / "data" / "topics_support_texts.csv")
    emb = int8_embedder.encode(df["text"].tolist())
    return df, emb, TopicModel(TopicsConfig()).fit(df["text"].tolist(), emb)


def test_labels_file_renames_merges_and_survives_save_load(small_model, tmp_path):
    df, emb, fitted = small_model
    m = TopicModel.load(fitted.save(tmp_path / "fitted"))  # label a saved model, as a user does
    ids = m.topic_ids_.tolist()
    assert len(ids) >= 4
    a, b, c, d = ids[:4]
    before_ids, _ = m.transform(df["text"].tolist(), emb)
    size = dict(zip(m.topic_info_["topic_id"], m.topic_info_["size"]))
    path = tmp_path / "labels.yaml"
    path.write_text(f"version: 1\ntopics:\n  {a}: Billing questions\n  {b}:\n    name: Two merged\n    merge: [{c}, {d}]\n")
    m.apply_labels(path)
    assert m.labels_[a] == "Billing questions" and m.labels_[b] == "Two merged"
    assert c not in m.topic_ids_.tolist() and d not in m.topic_ids_.tolist() and m.n_topics_ == len(ids) - 2
    info = m.topic_info_.set_index("topic_id")
    assert info.at[b, "size"] == size[b] + size[c] + size[d] and info.at[b, "label"] == "Two merged"
    after_ids, _ = m.transform(df["text"].tolist(), emb)
    moved = np.isin(before_ids, [b, c, d])
    assert np.mean(after_ids[moved] == b) >= 0.9        # documents of the merged topics now go to the kept id
    assert np.array_equal(after_ids[before_ids == a], before_ids[before_ids == a])
    loaded = TopicModel.load(m.save(tmp_path / "labelled"))
    assert loaded.labels_ == m.labels_ and loaded.merged_ == {c: b, d: b}
    assert np.array_equal(loaded.transform(df["text"].tolist(), emb)[0], after_ids)
    loaded.apply_labels(path)  # the same file again: nothing changes
    assert loaded.labels_ == m.labels_ and loaded.n_topics_ == m.n_topics_
    assert "Two merged" in labels_template(loaded)


def test_labels_file_errors_are_coded(small_model, tmp_path):
    _, _, m = small_model
    bad = tmp_path / "bad.yaml"
    bad.write_text("topics:\n  999: Nothing\n")
    with pytest.raises(VocError) as e:
        TopicModel.load(m.save(tmp_path / "m")).apply_labels(bad)
    assert e.value.code == "E233" and "999" in str(e.value)
    for data, needle in (({"topics": {"x": "a"}}, "not a topic id"), ({"topics": {1: "a", 2: "a"}}, "same name"),
                         ({"topics": {1: {"merge": [2]}, 3: {"merge": [2]}}}, "merged twice"),
                         ({"topics": {-1: "noise"}}, "unassigned"), ({}, "topics")):
        with pytest.raises(VocError) as e:
            parse_labels(data)
        assert e.value.code == "E233" and needle in str(e.value)
    bad.write_text("topics: [unclosed")
    with pytest.raises(VocError):
        read_labels(bad)


# ------------------------------------------------------ readable labels
def test_mmr_reranks_by_meaning_and_avoids_repeats():
    from voc.nlp.topics.representation import rerank_keywords

    vecs = {"remember": [0.0, 0.0, 1.0], "card": [1.0, 0.0, 0.0], "cards": [0.99, 0.14, 0.0], "pin": [0.7, 0.7, 0.0]}
    embed = lambda words: np.array([vecs[w] for w in words], dtype=np.float32)
    out = rerank_keywords({0: ["remember", "card", "cards", "pin"]}, {0: np.array([1.0, 0.05, 0.0])}, embed,
                          top_n=3, diversity=0.5)
    assert out[0][0] == "card" and "remember" not in out[0][:2]   # the rare c-TF-IDF word no longer leads
    assert out[0][1] == "pin"                                       # diversity: not the near-duplicate "cards"


def test_plural_of_a_shown_word_adds_nothing_to_a_label():
    from voc.nlp.topics.labels import label_from_keywords

    assert label_from_keywords(["card payment", "payments", "pending"]) == "card payment · pending"
    assert label_from_keywords(["pass", "passcode"]) == "pass · passcode"


def test_keybert_keywords_with_the_pipelines_encoder(small_model, int8_embedder):
    df, emb, ctfidf = small_model
    m = TopicModel(TopicsConfig()).fit(df["text"].tolist(), emb, embed_fn=int8_embedder.encode)
    assert m.params_["representation"] == "keybert" and ctfidf.params_["representation"] == "ctfidf"
    assert np.array_equal(m.topics_, ctfidf.topics_)  # only the words change, never the assignment
    for t in m.topic_ids_.tolist():
        assert set(m.keywords_[t]) <= set(ctfidf.model_.get_topic(t) and [w for w, _ in ctfidf.model_.get_topic(t)])


def test_topics_label_cli_template_then_apply(small_model, tmp_path):
    from typer.testing import CliRunner

    from voc.cli import _wire, app

    _wire()
    runner = CliRunner()
    _, _, m = small_model
    folder = m.save(tmp_path / "topic_model")
    tpl = tmp_path / "labels.yaml"
    r = runner.invoke(app, ["topics", "label", str(folder), "--template", str(tpl)])
    assert r.exit_code == 0, r.output
    data = read_labels(tpl)                  # the template is itself a valid labels file
    assert sorted(data.names) == m.topic_ids_.tolist()
    a, b = m.topic_ids_.tolist()[:2]
    tpl.write_text(f"topics:\n  {a}: {{name: Merged pair, merge: [{b}]}}\n")
    r = runner.invoke(app, ["topics", "label", str(folder), str(tpl)])
    assert r.exit_code == 0, r.output
    loaded = TopicModel.load(folder)
    assert loaded.labels_[a] == "Merged pair" and b not in loaded.topic_ids_.tolist()
    r = runner.invoke(app, ["topics", "label", str(tmp_path)])
    assert r.exit_code == 2 and "E230" in r.output
