"""Supervised intent classifier on frozen sentence embeddings (scikit-learn style).

    clf = IntentClassifier().fit(texts, labels)
    labels, confidences = clf.predict(["where is my card?"])
    clf.save("models/intents");  IntentClassifier.load("models/intents")

Model: multinomial logistic regression on L2-normalised embeddings (optionally joined with TF-IDF
character n-grams), probabilities calibrated by temperature scaling on a held-out split, and a
threshold below which the answer is ``unknown`` (fitted on the same held-out split, or given).
Training items labelled with one of ``oos_labels`` ('oos', 'out_of_scope', the unknown label) are
not a class: they are used to choose the threshold (CLINC150's oos_train).
With ``finetune=True`` the encoder itself is fine-tuned first (see voc.nlp.intent.finetune).
"""
from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, Optional, Sequence, Union

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from voc.config import EmbedConfig
from voc.errors import Errors, VocError
from voc.nlp.embed import Embedder, get_embedder
from voc.nlp.intent import artifact, features
from voc.nlp.intent.calibration import choose_threshold, fit_temperature, probabilities

log = logging.getLogger(__name__)

OOS_LABELS = ("oos", "out_of_scope", "out-of-scope")


class IntentClassifier:
    def __init__(self, *, embed: Optional[EmbedConfig] = None, C: float = 20.0, feature_set: str = "embedding",
                 tfidf_weight: float = 1.0, threshold: Union[str, float] = "auto", holdout: float = 0.15,
                 unknown_label: str = "unknown", oos_labels: Sequence[str] = OOS_LABELS, min_per_class: int = 2,
                 max_iter: int = 1000, finetune: bool = False, finetune_epochs: int = 3, finetune_lr: float = 5e-5,
                 finetune_batch_size: int = 32, seed: int = 42) -> None:
        self.embed = embed
        self.C = C
        self.feature_set = feature_set
        self.tfidf_weight = tfidf_weight
        self.threshold = threshold
        self.holdout = holdout
        self.unknown_label = unknown_label
        self.oos_labels = oos_labels
        self.min_per_class = min_per_class
        self.max_iter = max_iter
        self.finetune = finetune
        self.finetune_epochs = finetune_epochs
        self.finetune_lr = finetune_lr
        self.finetune_batch_size = finetune_batch_size
        self.seed = seed

    # -- helpers ----------------------------------------------------------------------------------
    def _params(self) -> dict[str, Any]:
        p = {k: getattr(self, k) for k in ("C", "feature_set", "tfidf_weight", "threshold", "holdout", "unknown_label",
                                            "min_per_class", "max_iter", "finetune", "finetune_epochs", "finetune_lr",
                                            "finetune_batch_size", "seed")}
        p["oos_labels"] = list(self.oos_labels)
        return p

    def _check_params(self) -> None:
        if self.feature_set not in features.FEATURE_SETS:
            raise ValueError(f"feature_set must be one of {features.FEATURE_SETS}, got {self.feature_set!r}")
        if not (isinstance(self.threshold, (int, float)) or self.threshold == "auto"):
            raise ValueError(f"threshold must be 'auto' or a number, got {self.threshold!r}")

    def _new_lr(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, max_iter=self.max_iter, random_state=self.seed)

    def _fit_head(self, emb: np.ndarray, texts: list[str], y: np.ndarray):
        tfidf = None
        if self.feature_set == "embedding+tfidf":
            tfidf = features.new_tfidf().fit(texts)
        X = features.build(emb, texts, tfidf, self.tfidf_weight)
        lr = self._new_lr().fit(X, y)
        return tfidf, lr

    @staticmethod
    def _logits(lr_coef: np.ndarray, lr_intercept: np.ndarray, X) -> np.ndarray:
        z = X @ lr_coef.T
        return np.asarray(z, dtype=np.float64) + lr_intercept

    # -- fit ----------------------------------------------------------------------------------------
    def fit(self, texts: Sequence[str], labels: Sequence[Any], *, source: str = "training data") -> "IntentClassifier":
        self._check_params()
        t0 = time.perf_counter()
        texts = ["" if t is None else str(t) for t in texts]
        labels = [str(v) for v in labels]
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
        oos_set = set(self.oos_labels) | {self.unknown_label}
        is_oos = np.array([v in oos_set for v in labels], dtype=bool)
        txt = np.asarray(texts, dtype=object)
        y_all = np.asarray(labels, dtype=object)
        counts = Counter(y_all[~is_oos])
        if len(counts) < 2:
            raise VocError(Errors.E204, path=source, detail=f"{len(counts)} label(s) besides out-of-scope; at least 2 are needed",
                           min_per_class=self.min_per_class)
        few = sorted(k for k, n in counts.items() if n < self.min_per_class)
        if few:
            raise VocError(Errors.E204, path=source, min_per_class=self.min_per_class,
                           detail=f"{len(few)} label(s) with fewer than {self.min_per_class} examples: {', '.join(few[:10])}")
        self.classes_ = np.asarray(sorted(counts), dtype=object)
        cls_index = {c: i for i, c in enumerate(self.classes_)}
        ins_idx = np.flatnonzero(~is_oos)
        y_idx = np.array([cls_index[v] for v in y_all[ins_idx]])

        # Held-out split for temperature and threshold; stratified when every class can give one item.
        n_hold = int(round(self.holdout * len(ins_idx)))
        can_hold = self.holdout > 0 and n_hold >= len(self.classes_) and min(counts.values()) >= 2
        if can_hold:
            tr, ho = train_test_split(np.arange(len(ins_idx)), test_size=n_hold, stratify=y_idx, random_state=self.seed)
        else:
            tr, ho = np.arange(len(ins_idx)), np.array([], dtype=int)

        self.encoder_dir_: Optional[Path] = None
        embed_cfg = self.embed or EmbedConfig()
        if self.finetune:
            from voc.nlp.intent.finetune import finetune_encoder

            self._tmp = Path(tempfile.mkdtemp(prefix="voc-intent-encoder-"))
            base = Embedder(embed_cfg)
            finetune_encoder(base.model_path, list(txt[ins_idx[tr]]), list(y_idx[tr]), self._tmp / "encoder",
                             epochs=self.finetune_epochs, lr=self.finetune_lr, batch_size=self.finetune_batch_size,
                             seed=self.seed, device=base.device)
            self.encoder_dir_ = self._tmp / "encoder"
            embed_cfg = embed_cfg.model_copy(update={"model": str(self.encoder_dir_)})
        self.embed_config_ = embed_cfg
        embedder = get_embedder(embed_cfg)
        emb_all = embedder.encode(list(txt))
        self.model_id_ = embedder.model_id

        self.temperature_ = 1.0
        self.holdout_ = {}
        if len(ho):
            tfidf, lr = self._fit_head(emb_all[ins_idx[tr]], list(txt[ins_idx[tr]]), y_idx[tr])
            Xh = features.build(emb_all[ins_idx[ho]], list(txt[ins_idx[ho]]), tfidf, self.tfidf_weight)
            lh = self._logits(lr.coef_, lr.intercept_, Xh)
            self.temperature_ = fit_temperature(lh, y_idx[ho])
            ph = probabilities(lh, self.temperature_)
            conf_h, pred_h = ph.max(axis=1), ph.argmax(axis=1)
            conf_oos = None
            if is_oos.any():
                Xo = features.build(emb_all[is_oos], list(txt[is_oos]), tfidf, self.tfidf_weight)
                conf_oos = probabilities(self._logits(lr.coef_, lr.intercept_, Xo), self.temperature_).max(axis=1)
            auto_thr = choose_threshold(conf_h, pred_h == y_idx[ho], conf_oos)
            thr = auto_thr if self.threshold == "auto" else float(self.threshold)
            kept = conf_h >= thr
            self.holdout_ = {"n": int(len(ho)), "accuracy": float(np.mean(pred_h == y_idx[ho])),
                             "accuracy_at_threshold": float(np.mean(kept & (pred_h == y_idx[ho]))),
                             "coverage_at_threshold": float(np.mean(kept)), "n_oos": int(is_oos.sum()),
                             "oos_recall_at_threshold": float(np.mean(conf_oos < thr)) if conf_oos is not None else None}
        else:
            if self.threshold == "auto":
                log.warning("too little data for a held-out split: threshold 0 (never 'unknown') and no calibration")
            thr = 0.0 if self.threshold == "auto" else float(self.threshold)
        self.threshold_ = float(thr)

        # Final head on every in-scope item.
        tfidf, lr = self._fit_head(emb_all[ins_idx], list(txt[ins_idx]), y_idx)
        self.tfidf_ = tfidf
        self.coef_ = np.asarray(lr.coef_, dtype=np.float32)
        self.intercept_ = np.asarray(lr.intercept_, dtype=np.float32)
        if self.coef_.shape[0] == 1:  # binary LR keeps one row: expand to two for a softmax
            self.coef_ = np.vstack([-self.coef_ / 2, self.coef_ / 2])
            self.intercept_ = np.array([-self.intercept_[0] / 2, self.intercept_[0] / 2], dtype=np.float32)
        self.n_train_ = int(len(ins_idx))
        self.n_oos_train_ = int(is_oos.sum())
        self.class_counts_ = {str(k): int(v) for k, v in sorted(counts.items())}
        self.cv_: Optional[dict[str, Any]] = None
        self.fit_seconds_ = round(time.perf_counter() - t0, 2)
        return self

    # -- predict ------------------------------------------------------------------------------------
    def _require_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise RuntimeError("IntentClassifier is not fitted: call fit() or IntentClassifier.load()")

    def embedder(self) -> Embedder:
        self._require_fitted()
        return get_embedder(self.embed_config_)

    def predict_proba(self, texts: Sequence[str], *, embeddings: Optional[np.ndarray] = None) -> np.ndarray:
        """(n, n_classes) calibrated probabilities, columns in ``classes_`` order."""
        self._require_fitted()
        texts = ["" if t is None else str(t) for t in texts]
        if embeddings is None:
            embeddings = self.embedder().encode(texts)
        if len(texts) != len(embeddings):
            raise ValueError(f"{len(texts)} texts but {len(embeddings)} embeddings")
        if len(texts) == 0:
            return np.zeros((0, len(self.classes_)))
        X = features.build(embeddings, texts, self.tfidf_, self.tfidf_weight)
        return probabilities(self._logits(self.coef_, self.intercept_, X), self.temperature_)

    def predict(self, texts: Sequence[str], *, embeddings: Optional[np.ndarray] = None,
                threshold: Optional[float] = None) -> tuple[np.ndarray, np.ndarray]:
        """(labels, confidences); a label is ``unknown_label`` where the confidence is below the threshold."""
        p = self.predict_proba(texts, embeddings=embeddings)
        if len(p) == 0:
            return np.asarray([], dtype=object), np.asarray([], dtype=np.float64)
        conf = p.max(axis=1)
        thr = self.threshold_ if threshold is None else float(threshold)
        labels = np.where(conf >= thr, self.classes_[p.argmax(axis=1)], self.unknown_label).astype(object)
        return labels, conf

    def info(self) -> dict[str, Any]:
        self._require_fitted()
        return {"kind": "supervised", "n_classes": len(self.classes_), "threshold": self.threshold_,
                "temperature": self.temperature_, "embedding_model": self.model_id_, "n_train": self.n_train_,
                "feature_set": self.feature_set, "finetuned": self.encoder_dir_ is not None}

    # -- persistence ----------------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        self._require_fitted()
        return artifact.save(self, Path(path))

    @classmethod
    def load(cls, path: str | Path, *, embed: Optional[EmbedConfig] = None) -> "IntentClassifier":
        """Load an artifact folder; ``embed`` overrides device, batch size and cache (never the model)."""
        return artifact.load(cls, Path(path), embed=embed)

    def __del__(self) -> None:
        tmp = self.__dict__.get("_tmp")
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
