"""The sentence encoder as a dynamically quantised int8 ONNX graph, run by onnxruntime on the CPU.

Why not sentence-transformers' own ``backend="onnx"``: it needs optimum-onnx, whose releases pin
``transformers<4.58`` (voc runs transformers 5.x), and OpenVINO's optimum-intel pulls torchvision and
a CUDA torch. So voc exports the encoder's transformer with ``torch.onnx.export`` (the TorchScript
exporter) and quantises it with onnxruntime's own ``quantize_dynamic`` — the same two steps optimum
runs — keeping sentence-transformers' tokenizer, pooling and normalisation.

Quantisation: weights of the MatMul nodes to int8, per output channel (per-tensor int8 moved the
vectors too far: mean cosine 0.969 to the fp32 vectors on Banking77, per-channel 0.994).

One text per forward pass: dynamic quantisation computes each activation's int8 scale from the whole
input tensor, so a text run inside a padded batch got a vector that moved (up to 0.024 per element) with
its batch-mates. Each text is therefore run alone, unpadded, and its vector depends on nothing but the
text: the same bits alone, in any batch, on any engine. Throughput is kept by running texts on several
threads (one onnxruntime thread each; ``session.run`` releases the GIL), which measured as fast as or
faster than padded 64-text batches on 2 shared cores (175 vs 138 texts/s, Banking77 queries) — no padding
is computed. Static quantisation (scales calibrated once) was tried too: deterministic as well, but with
every MatMul quantised the vectors moved far (mean cosine 0.940 to fp32), and keeping the feed-forward
output MatMuls in fp32 to recover 0.992 made it slower than the dynamic graph run one text at a time.

The exported graph is built once per model and cached on disk next to the embedding cache
(``~/.cache/voc/onnx/<model>/model_int8.onnx``), written atomically; later runs load it directly.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np

from voc.errors import Errors, VocError

log = logging.getLogger(__name__)

EXPORT_VERSION = "1"  # bump when the export or quantisation recipe changes: old graphs are rebuilt
# bump when the vectors a graph gives change (export, quantisation or how texts are run): it is part of the
# embedding cache's key, so vectors of an older recipe are never served. 2: one text per forward pass.
VECTOR_VERSION = "2"
_POOLINGS = ("mean", "cls", "max")


class UnsupportedForInt8(Exception):
    """The model folder holds modules this encoder does not replicate (e.g. a Dense layer)."""


def _st_layout(folder: Path) -> tuple[str, bool, int]:
    """(pooling mode, whether a Normalize module follows, max_seq_length) of a sentence-transformers folder."""
    modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    pooling, normalize = None, False
    for m in modules:
        kind = m.get("type", "").rsplit(".", 1)[-1]
        if kind == "Transformer":
            continue
        if kind == "Pooling":
            cfg = json.loads((folder / m["path"] / "config.json").read_text(encoding="utf-8"))
            modes = [k for k in ("mean", "cls", "max")
                     if cfg.get(f"pooling_mode_{k}_tokens" if k != "cls" else "pooling_mode_cls_token")]
            others = [k for k, v in cfg.items() if k.startswith("pooling_mode_") and v
                      and k not in ("pooling_mode_mean_tokens", "pooling_mode_cls_token", "pooling_mode_max_tokens")]
            if len(modes) != 1 or others:
                raise UnsupportedForInt8(f"pooling {cfg}")
            pooling = modes[0]
        elif kind == "Normalize":
            normalize = True
        else:
            raise UnsupportedForInt8(f"module {kind}")
    if pooling is None:
        raise UnsupportedForInt8("no Pooling module")
    max_len = 256
    sbc = folder / "sentence_bert_config.json"
    if sbc.is_file():
        max_len = int(json.loads(sbc.read_text(encoding="utf-8")).get("max_seq_length") or max_len)
    return pooling, normalize, max_len


def _export(folder: Path, target: Path) -> None:
    """fp32 ONNX export of the folder's transformer, then int8 dynamic quantisation into ``target``."""
    from transformers import AutoModel, AutoTokenizer

    model = AutoModel.from_pretrained(str(folder), local_files_only=True).eval()
    tok = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    sample = tok(["an example sentence", "another, slightly longer example sentence"], padding=True, return_tensors="pt")
    names = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in sample]

    target.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    level = root.level
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".export-") as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's tracer warnings speak of transformers' internals
        root.setLevel(logging.ERROR)  # quantize_dynamic logs advice on the root logger
        try:
            _export_into(model, sample, names, Path(tmp), target)
        finally:
            root.setLevel(level)


def _export_into(model: Any, sample: Any, names: list[str], tmp: Path, target: Path) -> None:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    class _Hidden(torch.nn.Module):  # keyword call: forward()'s positional order differs across versions
        def __init__(self, m: torch.nn.Module) -> None:
            super().__init__()
            self.m = m

        def forward(self, *args: torch.Tensor) -> torch.Tensor:
            return self.m(**dict(zip(names, args))).last_hidden_state

    fp32 = tmp / "model_fp32.onnx"
    axes = {k: {0: "batch", 1: "tokens"} for k in names}
    with torch.no_grad():
        torch.onnx.export(_Hidden(model), tuple(sample[k] for k in names), str(fp32), input_names=names,
                          output_names=["last_hidden_state"],
                          dynamic_axes={**axes, "last_hidden_state": {0: "batch", 1: "tokens"}},
                          opset_version=17, dynamo=False)
    q = tmp / "model_int8.onnx"
    quantize_dynamic(str(fp32), str(q), weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=["MatMul"])
    os.replace(q, target)  # atomic: a killed export never leaves a half-written graph behind


def _threads(threads: Optional[int]) -> int:
    if threads:
        return max(int(threads), 1)
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class Int8OnnxEncoder:
    """``encode(texts, batch_size)`` like a SentenceTransformer, on an int8 ONNX graph of the same model.

    Each text is one forward pass (no padding, no batch-mates), so its vector is reproducible bit for bit;
    ``threads`` texts run at once (default: the CPUs this process may use)."""

    def __init__(self, folder: Path, cache_root: Path, threads: Optional[int] = None) -> None:
        self.folder = Path(folder)
        self.pooling_, self.normalize_, self.max_seq_length = _st_layout(self.folder)
        self.path_ = cache_root / f"model_int8.v{EXPORT_VERSION}.onnx"
        if not self.path_.is_file():
            log.info("exporting %s to int8 ONNX (once per model) -> %s", self.folder, self.path_)
            try:
                _export(self.folder, self.path_)
            except Exception as e:
                raise VocError(Errors.E202, name=str(self.folder),
                               detail=f"int8 ONNX export failed: {type(e).__name__}: {e}") from e
        import onnxruntime as ort
        from transformers import AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(str(self.folder), local_files_only=True)
        self.threads_ = _threads(threads)
        so = ort.SessionOptions()
        so.intra_op_num_threads = 1  # parallel across texts, not inside one small matrix product
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session_ = ort.InferenceSession(str(self.path_), so, providers=["CPUExecutionProvider"])
        self.input_names_ = [i.name for i in self.session_.get_inputs()]
        self.dim_ = int(self.session_.get_outputs()[0].shape[-1]) if isinstance(self.session_.get_outputs()[0].shape[-1],
                                                                                int) else None
        self._pool: Any = None
        self._pool_pid = -1

    def get_embedding_dimension(self) -> int:
        if self.dim_ is None:
            self.dim_ = int(self.encode(["x"]).shape[1])
        return self.dim_

    def tokenize(self, texts: Sequence[str]) -> dict[str, list[list[int]]]:
        """Token ids of each text (truncated to the encoder's window), unpadded."""
        return self.tokenizer(list(texts), padding=False, truncation=True, max_length=self.max_seq_length)

    def _one(self, feeds: dict[str, np.ndarray]) -> np.ndarray:
        hidden = self.session_.run(None, feeds)[0][0]  # (tokens, dim): every token is real, nothing to mask
        if self.pooling_ == "mean":
            v = hidden.mean(axis=0)
        elif self.pooling_ == "cls":
            v = hidden[0]
        else:
            v = hidden.max(axis=0)
        if self.normalize_:
            v = v / max(float(np.linalg.norm(v)), 1e-12)
        return v.astype(np.float32)

    def encode(self, texts: Sequence[str], batch_size: int = 64, **_: object) -> np.ndarray:
        """One vector per text; ``batch_size`` only sets how many texts are tokenized per call."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.get_embedding_dimension()), np.float32)
        out: list[np.ndarray] = []
        step = max(batch_size, 1) * 8
        for i in range(0, len(texts), step):
            enc = self.tokenize(texts[i:i + step])
            feeds = [{k: np.asarray([enc[k][j]], dtype=np.int64) for k in self.input_names_}
                     for j in range(len(enc["input_ids"]))]
            if self.threads_ > 1 and len(feeds) > 1:
                if self._pool is None or self._pool_pid != os.getpid():  # a forked child has no pool threads
                    from concurrent.futures import ThreadPoolExecutor

                    self._pool = ThreadPoolExecutor(self.threads_, thread_name_prefix="voc-int8")
                    self._pool_pid = os.getpid()
                out.extend(self._pool.map(self._one, feeds))
            else:
                out.extend(self._one(f) for f in feeds)
        return np.vstack(out)
