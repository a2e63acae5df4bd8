"""Backend "transformers": any local Hugging Face sequence-classification model folder
(``SentimentConfig.model``), e.g. a twitter-roberta sentiment model copied to disk. Loaded with
``local_files_only=True``: voc never downloads a model.

The model's labels (config.id2label) are mapped to negative/neutral/positive: names starting with
neg/neu/pos, star ratings (1-2 negative, 3 neutral, 4-5 positive), and the anonymous LABEL_0..2
(TweetEval order: negative, neutral, positive) or LABEL_0..1 (SST-2 order: negative, positive);
``SentimentConfig.labels`` overrides any of them. Probabilities of labels mapped to the same class
are summed; score = P(positive) - P(negative), label = the most probable class.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np

from voc import registry
from voc.errors import Errors, VocError
from voc.nlp.sentiment.base import LABELS, SentimentBackend, SentimentResult, clean_texts, labels_from_proba, score_from_proba

_MARKERS = ("config.json",)


def map_label(name: str, index: int, n_labels: int, overrides: Optional[dict[str, str]] = None) -> Optional[str]:
    """negative | neutral | positive for one model label, or None when it cannot be told."""
    if overrides and name in overrides:
        v = overrides[name].strip().lower()
        return v if v in LABELS else None
    low = name.strip().lower()
    for lab in LABELS:
        if low.startswith(lab[:3]):
            return lab
    m = re.fullmatch(r"([1-5])\s*stars?", low)
    if m:
        stars = int(m.group(1))
        return "negative" if stars <= 2 else "neutral" if stars == 3 else "positive"
    m = re.fullmatch(r"label_(\d+)", low)
    if m:
        i = int(m.group(1))
        if n_labels == 3 and i < 3:
            return LABELS[i]
        if n_labels == 2 and i < 2:
            return ("negative", "positive")[i]
    return None


def label_matrix(id2label: dict[int, str], overrides: Optional[dict[str, str]] = None, *, path: str = "") -> np.ndarray:
    """(n_model_labels, 3) 0/1 matrix: model label i -> voc class j (E202 when a label cannot be mapped)."""
    n = len(id2label)
    M = np.zeros((n, 3))
    unknown = []
    for i in range(n):
        name = str(id2label.get(i, id2label.get(str(i), f"LABEL_{i}")))  # type: ignore[call-overload]
        lab = map_label(name, i, n, overrides)
        if lab is None:
            unknown.append(name)
        else:
            M[i, LABELS.index(lab)] = 1.0
    if unknown:
        raise VocError(Errors.E202, name=path, detail=f"model labels {unknown} cannot be mapped to negative/neutral/positive; "
                                                      f"set sentiment.labels, e.g. {{{unknown[0]}: negative}}")
    return M


@registry.sentiment_backends.register("transformers")
class TransformersBackend(SentimentBackend):
    name = "transformers"

    @property
    def model_path(self) -> Path:
        if not self.config.model:
            raise VocError(Errors.E201, path="(none: set sentiment.model or --model to a local model folder)")
        p = Path(self.config.model).expanduser()
        if not p.is_dir() or not any((p / m).is_file() for m in _MARKERS):
            raise VocError(Errors.E201, path=str(p))
        return p

    def _load(self) -> None:
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        from voc.nlp.embed.resolve import resolve_device

        path = self.model_path
        try:
            tok = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
            model = AutoModelForSequenceClassification.from_pretrained(str(path), local_files_only=True)
        except (OSError, ValueError, KeyError) as e:
            raise VocError(Errors.E202, name=str(path),
                           detail=f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}") from None
        self._device = resolve_device(self.config.device)
        model.to(self._device).eval()
        self._tok, self._model, self._torch = tok, model, torch
        self._M = label_matrix(dict(model.config.id2label), self.config.labels, path=str(path))

    def analyze(self, texts: Sequence[str]) -> SentimentResult:
        texts = clean_texts(texts)
        if "_model" not in self.__dict__:
            self._load()
        proba = np.zeros((len(texts), 3))
        torch, bs = self._torch, self.config.batch_size
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)  # similar lengths pad least
        with torch.inference_mode():
            for s in range(0, len(order), bs):
                idx = order[s:s + bs]
                enc = self._tok([texts[i] for i in idx], padding=True, truncation=True,
                                max_length=self.config.max_length, return_tensors="pt").to(self._device)
                logits = self._model(**enc).logits.float()
                if self._model.config.problem_type == "multi_label_classification":
                    p = torch.sigmoid(logits)
                    p = p / p.sum(dim=1, keepdim=True).clamp_min(1e-12)
                else:
                    p = torch.softmax(logits, dim=-1)
                proba[idx] = p.cpu().numpy().astype(np.float64) @ self._M
        empty = np.array([not t.strip() for t in texts], dtype=bool)
        if empty.any():  # no text, no opinion
            proba[empty] = [0.0, 1.0, 0.0]
        return SentimentResult(scores=score_from_proba(proba), labels=labels_from_proba(proba), proba=proba)

    def info(self) -> dict[str, Any]:
        d: dict[str, Any] = {"backend": self.name, "model": str(self.config.model)}
        if "_model" in self.__dict__:
            d["device"] = self._device
            d["labels"] = {str(self._model.config.id2label[i]): LABELS[int(self._M[i].argmax())] for i in range(len(self._M))}
        return d
