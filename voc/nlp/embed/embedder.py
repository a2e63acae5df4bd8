"""Sentence embeddings of contact texts, with a persistent cache so a re-run embeds only new texts."""
from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence

import numpy as np

from voc.config import EmbedConfig
from voc.errors import Errors, VocError
from voc.nlp.embed.cache import EmbeddingCache, default_cache_root, text_key
from voc.nlp.embed.resolve import model_id_for, resolve_device, resolve_model_path, resolve_precision, slug

if TYPE_CHECKING:  # pragma: no cover
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

MEMO_BYTES = 256 * 2**20  # vectors kept in memory per process (~170,000 texts of 384 floats)


class _Memo:
    """The in-process vector memory shared by every Embedder of this process, keyed by (cache id, text): the
    cache id names model, precision and long-text handling, so a text is encoded once per run whichever step
    asks (the embed step's one-message contact text and the sentiment step's message are the same key), even
    with the disk cache off and with components whose other embed settings (batch size, cache folder) differ.
    Least recently used vectors go first once ``MEMO_BYTES`` is reached."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.nbytes = 0
        self._d: "OrderedDict[tuple[str, str], np.ndarray]" = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, cid: str, texts: Sequence[str]) -> dict[str, np.ndarray]:
        with self._lock:
            out = {}
            for t in texts:
                v = self._d.get((cid, t))
                if v is not None:
                    self._d.move_to_end((cid, t))
                    out[t] = v
            return out

    def put_many(self, cid: str, items: dict[str, np.ndarray]) -> None:
        with self._lock:
            for t, v in items.items():
                k = (cid, t)
                old = self._d.pop(k, None)
                if old is not None:
                    self.nbytes -= old.nbytes
                self._d[k] = v
                self.nbytes += v.nbytes
            while self.nbytes > self.max_bytes and self._d:
                _, v = self._d.popitem(last=False)
                self.nbytes -= v.nbytes

    def __len__(self) -> int:
        return len(self._d)

    def clear(self) -> None:
        with self._lock:
            self._d.clear()
            self.nbytes = 0


MEMO = _Memo(MEMO_BYTES)

_POOL_FLAGS = ("pooling_mode_cls_token", "pooling_mode_mean_tokens", "pooling_mode_max_tokens",
               "pooling_mode_mean_sqrt_len_tokens", "pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken")


def _peek_dim(folder: Path) -> Optional[int]:
    """The output dimension read from a sentence-transformers folder's configs, without loading weights
    (None when the folder has modules, e.g. Dense, whose dimension cannot be read this way)."""
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        dim = None
        for m in modules:
            kind = m.get("type", "").rsplit(".", 1)[-1]
            if kind == "Pooling":
                cfg = json.loads((folder / m["path"] / "config.json").read_text(encoding="utf-8"))
                n = sum(bool(cfg.get(f)) for f in _POOL_FLAGS) or 1
                dim = int(cfg["word_embedding_dimension"]) * n
            elif kind not in ("Transformer", "Normalize"):
                return None
        return dim
    except (OSError, ValueError, KeyError, TypeError):
        return None


def split_long_texts(model: Any, texts: list[str],
                     config: EmbedConfig) -> tuple[list[str], Optional[np.ndarray], Optional[np.ndarray]]:
    """(windows, owner index per window, tokens per window) for ``texts``; a text that fits the encoder's
    window is its own single window. Windows are cut on token boundaries and decoded back to text, so either
    backend (torch or ONNX) encodes them with its own tokenizer."""
    tok = getattr(model, "tokenizer", None)
    limit = int(getattr(model, "max_seq_length", 0) or 0)
    if tok is None or limit <= 8:
        return texts, None, None
    body = limit - 2  # [CLS] ... [SEP]
    step = max(body - min(config.chunk_overlap, body // 2), 1)
    ids = tok(texts, add_special_tokens=False, truncation=False, return_attention_mask=False,
              return_token_type_ids=False)["input_ids"]
    if all(len(x) <= body for x in ids):
        return texts, None, None
    windows: list[str] = []
    owner: list[int] = []
    weight: list[float] = []
    for i, (text, x) in enumerate(zip(texts, ids)):
        if len(x) <= body:
            windows.append(text), owner.append(i), weight.append(float(max(len(x), 1)))
            continue
        for start in range(0, len(x), step):
            piece = x[start:start + body]
            windows.append(tok.decode(piece)), owner.append(i), weight.append(float(len(piece)))
            if start + body >= len(x):
                break
    return windows, np.asarray(owner), np.asarray(weight)


class Embedder:
    """Encode texts into float32 vectors (L2-normalised when ``config.normalize``), shape (n, dim).

    The model is loaded on first use (``model_``); texts already embedded by the same model are read
    from the cache (``config.cache_dir``; 'none' disables it) and never re-encoded.
    """

    def __init__(self, config: EmbedConfig) -> None:
        self.config = config

    # -- lazily resolved state ---------------------------------------------------------------
    @property
    def model_path(self) -> Path:
        if "_model_path" not in self.__dict__:
            self._model_path = resolve_model_path(self.config.model)
        return self._model_path

    @property
    def model_id(self) -> str:
        if "_model_id" not in self.__dict__:
            self.model_path  # E201 before anything else
            self._model_id = model_id_for(self.config.model)
        return self._model_id

    @property
    def device(self) -> str:
        if "_device" not in self.__dict__:
            self._device = resolve_device(self.config.device)
        return self._device

    @property
    def precision(self) -> str:
        """fp32 | int8 | fp16: what ``embed.precision`` resolves to on this device (see resolve_precision)."""
        if "_precision" not in self.__dict__:
            self._precision = resolve_precision(self.config.precision, self.device)
        return self._precision

    @property
    def cache_id(self) -> str:
        """The cache key's model part: the model id, plus the precision when it is not fp32 (int8 and fp16
        vectors differ slightly from fp32 ones, so they never share cached vectors), plus how long texts
        are handled."""
        if self.precision == "int8":
            from voc.nlp.embed.onnx_int8 import VECTOR_VERSION

            cid = f"{self.model_id}+int8" + (f".v{VECTOR_VERSION}" if VECTOR_VERSION != "1" else "")
        else:
            cid = self.model_id if self.precision == "fp32" else f"{self.model_id}+{self.precision}"
        # long texts get other vectors when chunked than when truncated (voc <= 0.1 truncated)
        return cid if self.config.long_texts == "truncate" else f"{cid}+chunked"

    @property
    def model_(self) -> "SentenceTransformer":
        if "_model" not in self.__dict__:
            with self._load_lock:
                if "_model" not in self.__dict__:
                    self._model = self._load()
        return self._model

    @property
    def _load_lock(self) -> threading.Lock:
        return self.__dict__.setdefault("_lock", threading.Lock())

    @property
    def dim(self) -> int:
        if "_model" in self.__dict__:
            return int(self._model.get_embedding_dimension())
        if "_dim" not in self.__dict__:
            peek = _peek_dim(self.model_path)
            self._dim = peek if peek is not None else int(self.model_.get_embedding_dimension())
        return self._dim

    @property
    def cache(self) -> Optional[EmbeddingCache]:
        if "_cache" not in self.__dict__:
            cd = self.config.cache_dir
            if cd is not None and cd.strip().lower() == "none":
                self._cache = None
            else:
                root = Path(cd).expanduser() if cd else default_cache_root()
                self._cache = EmbeddingCache(root / slug(self.cache_id), model_id=self.cache_id, dim=self.dim)
        return self._cache

    @property
    def cache_hits_(self) -> int:
        return self.__dict__.get("_hits", 0)

    @property
    def cache_misses_(self) -> int:
        return self.__dict__.get("_misses", 0)

    def _load(self) -> "SentenceTransformer":
        path, device = self.model_path, self.device
        if self.precision == "int8":
            from voc.nlp.embed.onnx_int8 import Int8OnnxEncoder, UnsupportedForInt8

            root = Path(self.config.cache_dir).expanduser() if self.config.cache_dir and self.config.cache_dir.lower() != "none" \
                else default_cache_root()
            try:
                enc = Int8OnnxEncoder(path, root.parent / "onnx" / slug(self.model_id))
                log.info("loaded sentence encoder %s as int8 ONNX (%s)", self.model_id, enc.path_)
                return enc  # type: ignore[return-value]
            except UnsupportedForInt8 as e:
                self._precision_note = f"int8 is not available for this model ({e}); fp32 used"
                log.warning("embed: %s", self._precision_note)
                self._precision = "fp32"
        # imported here, not above: the int8 path never needs it (importing it costs ~4 s of a short run)
        from sentence_transformers import SentenceTransformer

        try:
            model = SentenceTransformer(str(path), device=device, local_files_only=True)
        except Exception as e:  # a damaged folder or a device that is not there
            raise VocError(Errors.E202, name=str(self.config.model),
                           detail=f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}") from e
        model.eval()
        if self.precision == "fp16":
            model.half()
        log.info("loaded sentence encoder %s on %s (%s)", self.model_id, device, self.precision)
        return model

    # -- encoding ------------------------------------------------------------------------------
    def encode(self, texts: Sequence[str], *, show_progress: bool = False,
               on_progress: Optional[Callable[[int], None]] = None) -> np.ndarray:
        """One vector per text. ``on_progress(n)`` is called after each chunk the model encodes (n texts)."""
        texts = ["" if t is None else str(t) for t in texts]
        dim = self.dim
        if not texts:
            return np.zeros((0, dim), dtype=np.float32)
        unique = list(dict.fromkeys(texts))
        cid = self.cache_id
        # texts seen earlier in this process by any step (e.g. a message that is also a contact's text)
        vectors: dict[str, np.ndarray] = MEMO.get_many(cid, unique)
        self._memo_hits = self.__dict__.get("_memo_hits", 0) + len(vectors)
        cache = self.cache
        keys: dict[str, bytes] = {}
        if cache is not None:
            rest = [t for t in unique if t not in vectors]
            keys = {t: text_key(self.cache_id, t) for t in rest}
            found = cache.get_many(list(keys.values())) if rest else {}
            for t in rest:
                v = found.get(keys[t])
                if v is not None:
                    vectors[t] = v
        todo = [t for t in unique if t not in vectors]
        self._hits = self.cache_hits_ + (len(unique) - len(todo))
        self._misses = self.cache_misses_ + len(todo)
        if todo:
            self._encode_missing(todo, vectors, keys, show_progress=show_progress, on_progress=on_progress)
        MEMO.put_many(cid, {t: vectors[t] for t in unique})
        out = np.stack([vectors[t] for t in texts]).astype(np.float32, copy=False)
        if self.config.normalize:
            norms = np.linalg.norm(out, axis=1, keepdims=True)
            out = out / np.where(norms > 0, norms, 1.0)
        return np.ascontiguousarray(out, dtype=np.float32)

    def _encode_missing(self, todo: list[str], vectors: dict[str, np.ndarray], keys: dict[str, bytes],
                        *, show_progress: bool, on_progress: Optional[Callable[[int], None]] = None) -> None:
        # Longest first (as sentence-transformers does): batches of similar length pad least, and a
        # too-long input fails at once rather than after an hour. Written to the cache chunk by chunk,
        # so an interrupted run keeps what it embedded.
        todo = sorted(todo, key=len, reverse=True)
        model = self.model_
        bs = self.config.gpu_batch_size if self.device.startswith("cuda") else self.config.batch_size
        chunk = max(bs * 8, 256)
        bar = None
        if show_progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(todo), desc=f"embedding ({self.model_id})", unit="text")
        try:
            for i in range(0, len(todo), chunk):
                part = todo[i:i + chunk]
                emb = self._encode_texts(model, part, bs)
                for t, v in zip(part, emb):
                    vectors[t] = v
                if self.cache is not None:
                    self.cache.put_many((keys[t], vectors[t]) for t in part)
                if bar is not None:
                    bar.update(len(part))
                if on_progress is not None:
                    on_progress(len(part))
        finally:
            if bar is not None:
                bar.close()

    def _encode_texts(self, model: Any, texts: list[str], bs: int) -> np.ndarray:
        """One vector per text. Texts longer than the encoder's window are split into overlapping token
        windows (``embed.long_texts: chunk``), encoded with the rest, and averaged weighted by tokens."""
        windows, owner, weight = split_long_texts(model, texts, self.config) if self.config.long_texts == "chunk" \
            else (texts, None, None)
        emb = np.asarray(model.encode(windows, batch_size=bs, convert_to_numpy=True, normalize_embeddings=False,
                                      show_progress_bar=False), dtype=np.float32)
        if owner is None:
            return emb
        self._chunked = self.__dict__.get("_chunked", 0) + int((np.bincount(owner, minlength=len(texts)) > 1).sum())
        out = np.zeros((len(texts), emb.shape[1]), dtype=np.float64)
        np.add.at(out, owner, emb * weight[:, None])
        out /= np.bincount(owner, weights=weight, minlength=len(texts))[:, None]
        return out.astype(np.float32)

    def info(self) -> dict[str, Any]:
        c = self.cache
        return {"model": self.model_id, "dim": self.dim, "device": self.device, "precision": self.precision,
                **({"precision_note": self._precision_note} if "_precision_note" in self.__dict__ else {}),
                "cache": str(c.path) if c is not None and c.disabled_reason is None else None,
                "cache_hits": self.cache_hits_, "cache_misses": self.cache_misses_,
                "memory_hits": self.__dict__.get("_memo_hits", 0), "texts_encoded": self.cache_misses_,
                "long_texts": self.config.long_texts, "texts_chunked": self.__dict__.get("_chunked", 0)}

    def __repr__(self) -> str:
        return f"Embedder(model={self.config.model!r}, device={self.config.device!r})"


_SHARED: dict[str, Embedder] = {}
_SHARED_LOCK = threading.Lock()


def get_embedder(config: EmbedConfig) -> Embedder:
    """One Embedder per distinct config in this process, so components share the loaded model."""
    key = config.model_dump_json()
    with _SHARED_LOCK:
        emb = _SHARED.get(key)
        if emb is None:
            emb = _SHARED[key] = Embedder(config)
        return emb
