"""The sentence encoder as a dynamically quantised int8 ONNX graph, run by onnxruntime on the CPU.

Why not sentence-transformers' own ``backend="onnx"``: it needs optimum-onnx, whose releases pin
``transformers<4.58`` (voc runs transformers 5.x), and OpenVINO's optimum-intel pulls torchvision and
a CUDA torch. So voc exports the encoder's transformer with ``torch.onnx.export`` (the TorchScript
exporter) and quantises it with onnxruntime's own ``quantize_dynamic`` — the same two steps optimum
runs — keeping sentence-transformers' tokenizer, pooling and normalisation.

Quantisation: weights of the MatMul nodes to int8, per output channel (per-tensor int8 moved the
vectors too far: mean cosine 0.969 to the fp32 vectors on Banking77, per-channel 0.994).

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


class Int8OnnxEncoder:
    """``encode(texts, batch_size)`` like a SentenceTransformer, on an int8 ONNX graph of the same model."""

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
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads or (os.cpu_count() or 1)
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session_ = ort.InferenceSession(str(self.path_), so, providers=["CPUExecutionProvider"])
        self.input_names_ = [i.name for i in self.session_.get_inputs()]
        self.dim_ = (int(self.session_.get_outputs()[0].shape[-1])
                     if isinstance(self.session_.get_outputs()[0].shape[-1], int) else None)

    def get_embedding_dimension(self) -> int:
        if self.dim_ is None:
            self.dim_ = int(self.encode(["x"]).shape[1])
        return self.dim_

    def tokenize(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        return self.tokenizer(list(texts), padding=True, truncation=True, max_length=self.max_seq_length, return_tensors="np")

    def encode(self, texts: Sequence[str], batch_size: int = 64, **_: object) -> np.ndarray:
        out = []
        for i in range(0, len(texts), batch_size):
            enc = self.tokenize(texts[i:i + batch_size])
            hidden = self.session_.run(None, {k: enc[k].astype(np.int64) for k in self.input_names_})[0]
            mask = enc["attention_mask"][..., None].astype(np.float32)
            if self.pooling_ == "mean":
                v = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
            elif self.pooling_ == "cls":
                v = hidden[:, 0]
            else:
                v = np.where(mask > 0, hidden, -1e9).max(axis=1)
            if self.normalize_:
                v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
            out.append(v.astype(np.float32))
        return np.concatenate(out) if out else np.zeros((0, self.get_embedding_dimension()), np.float32)
