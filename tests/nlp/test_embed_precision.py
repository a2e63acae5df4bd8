"""embed.precision (fp32 / int8 ONNX / fp16) and embed.long_texts (chunk / truncate), with the real shipped encoder."""
from __future__ import annotations

import json

import numpy as np
import pytest

from voc.config import EmbedConfig
from voc.nlp.embed.embedder import MEMO, Embedder
from voc.nlp.embed.onnx_int8 import UnsupportedForInt8, _st_layout
from voc.nlp.embed.resolve import resolve_precision

TEXTS = ["I was charged twice for the same order", "How do I reset my password?",
         "my card got declined at the store yesterday", "when will my refund arrive",
         "The app crashes every time I open the payments tab", "cancel my subscription please"]


def test_default_precision_is_int8_on_the_cpu():
    """Issue 16: int8 became the CPU default once it was reproducible per text and within 0.3 points of fp32."""
    assert EmbedConfig().precision == "auto"
    assert Embedder(EmbedConfig(device="cpu", cache_dir="none")).precision == "int8"


def test_precision_resolves_per_device():
    assert resolve_precision("auto", "cpu") == "int8"
    assert resolve_precision("auto", "cuda") == "fp16" and resolve_precision("auto", "cuda:1") == "fp16"
    assert resolve_precision("auto", "mps") == "fp32"
    assert resolve_precision("fp16", "cpu") == "fp32"  # fp16 matmuls on a CPU are slower than fp32
    assert resolve_precision("int8", "cuda") == "fp32"  # onnxruntime's dynamic int8 kernels are CPU kernels
    assert resolve_precision("int8", "cpu") == "int8"


@pytest.fixture(scope="module")
def int8_and_fp32(tmp_path_factory):
    root = tmp_path_factory.mktemp("emb")
    fp32 = Embedder(EmbedConfig(precision="fp32", device="cpu", cache_dir=str(root / "cache")))
    int8 = Embedder(EmbedConfig(precision="int8", device="cpu", cache_dir=str(root / "cache")))
    return fp32, int8, root


def test_int8_vectors_stay_close_to_fp32(int8_and_fp32):
    fp32, int8, root = int8_and_fp32
    a, b = fp32.encode(TEXTS), int8.encode(TEXTS)
    assert int8.info()["precision"] == "int8" and a.shape == b.shape
    cos = (a * b).sum(1)
    assert cos.min() > 0.95 and cos.mean() > 0.98, cos
    # ...and still rank the same neighbours: each text's nearest other text agrees
    sa, sb = a @ a.T, b @ b.T
    np.fill_diagonal(sa, -1), np.fill_diagonal(sb, -1)
    assert (sa.argmax(1) == sb.argmax(1)).mean() >= 5 / 6
    # the exported graph is cached beside the embedding cache and reused
    graphs = list((root / "onnx").rglob("model_int8*.onnx"))
    assert len(graphs) == 1
    mtime = graphs[0].stat().st_mtime_ns
    again = Embedder(EmbedConfig(precision="int8", device="cpu", cache_dir=str(root / "other-cache")))
    again.encode(["one more"])  # a new process would do the same: load the graph, not export it again
    assert graphs[0].stat().st_mtime_ns == mtime


def test_int8_vector_of_a_text_does_not_depend_on_its_batch(int8_and_fp32):
    """Issue 16: with per-batch activation scales a text's int8 vector moved (up to 0.024) with the texts batched
    beside it and with the padding they brought. Each text must get the same vector alone and in any batch."""
    _, _, root = int8_and_fp32
    long_mate = " ".join(["Thanks for calling, can you confirm the postcode on the account please?"] * 8)
    batches = [[t] for t in TEXTS] + [TEXTS, TEXTS[::-1] + [long_mate], ["ok", "thanks", *TEXTS[2:4], long_mate * 3]]
    seen: dict[str, list[np.ndarray]] = {}
    for b in batches:  # a fresh embedder each time: no cache or in-process memory may hide a difference
        MEMO.clear()
        e = Embedder(EmbedConfig(precision="int8", device="cpu", cache_dir="none", batch_size=4))
        for t, v in zip(b, e.encode(b)):
            seen.setdefault(t, []).append(v)
    for t in TEXTS:
        assert len(seen[t]) >= 3
        worst = max(float(np.abs(v - seen[t][0]).max()) for v in seen[t])
        assert worst <= 1e-6, (t, worst)


def test_cache_is_keyed_by_precision(int8_and_fp32):
    fp32, int8, root = int8_and_fp32
    assert fp32.cache_id != int8.cache_id and "int8" in int8.cache_id
    assert "+int8.v2" in int8.cache_id  # vectors of the batch-dependent recipe (v1) are never served
    assert fp32.cache.path != int8.cache.path
    # a fresh fp32 embedder with the same cache folder finds the fp32 vectors only
    MEMO.clear()
    fresh = Embedder(EmbedConfig(precision="fp32", device="cpu", cache_dir=str(root / "cache")))
    v = fresh.encode(TEXTS[:2])
    assert fresh.cache_hits_ == 2 and np.allclose(v, fp32.encode(TEXTS[:2]), atol=1e-6)


def test_models_int8_cannot_mirror_fall_back_to_fp32(tmp_path):
    (tmp_path / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"}]))
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps({"word_embedding_dimension": 8,
                                                                    "pooling_mode_mean_tokens": True}))
    with pytest.raises(UnsupportedForInt8, match="Dense"):
        _st_layout(tmp_path)


def test_long_texts_are_chunked_not_truncated():
    cut = Embedder(EmbedConfig(device="cpu", cache_dir="none", long_texts="truncate"))
    chunk = Embedder(EmbedConfig(device="cpu", cache_dir="none", long_texts="chunk"))
    filler = " ".join(["Thanks for calling, can you confirm the account holder and the postcode on file please."] * 20)
    ask = "I want to cancel my subscription and get a refund for last month."
    long = f"{filler} {ask}"  # the request comes after the encoder's 256-token window
    q = chunk.encode([ask])[0]
    v_cut, v_chunk = cut.encode([long])[0], chunk.encode([long])[0]
    assert chunk.info()["texts_chunked"] == 1
    assert float(v_chunk @ q) > float(v_cut @ q) + 0.05  # the late request is seen only when chunked
    # short texts are untouched by chunking
    assert np.allclose(cut.encode(TEXTS), chunk.encode(TEXTS), atol=1e-6)
    assert cut.cache_id != chunk.cache_id


def _encode_in_child(enc, q) -> None:
    q.put(enc.encode(TEXTS[:3]).tolist())


def test_int8_encoder_works_in_a_forked_child_after_the_parent_used_it(int8_and_fp32):
    """The int8 encoder runs texts on a thread pool; a process forked after the parent used it (multiprocessing,
    Spark's Python workers) inherits the pool object but not its threads, and must not wait on them forever."""
    import multiprocessing as mp

    _, int8, _ = int8_and_fp32
    enc = int8.model_
    if getattr(enc, "threads_", 1) < 2:
        enc.threads_ = 2
    parent = enc.encode(TEXTS[:3])  # the pool now exists in this process
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_encode_in_child, args=(enc, q))
    p.start()
    p.join(timeout=120)
    if p.is_alive():
        p.kill()
        pytest.fail("the forked child hung on the parent's thread pool")
    assert p.exitcode == 0
    np.testing.assert_array_equal(np.asarray(q.get(timeout=5), dtype=np.float32), parent)
