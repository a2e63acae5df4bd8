"""Supervised intent classifier on frozen sentence embeddings (scikit-learn style).

    clf = IntentClassifier().fit(texts, labels)
    labels, confidences = clf.predict(["where is my card?"])
    clf.save("models/intents");  IntentClassifier.load("models/intents")

Model: multinomial logistic regression on L2-normalised embeddings, with (default) a second one on
TF-IDF character n-grams whose log-probabilities are added, weighted (voc.nlp.intent.features);
probabilities calibrated by temperature scaling on a held-out split, and a threshold below which the
answer is ``unknown`` (fitted on the same held-out split, or given). When out-of-scope examples are
given and the threshold is 'auto', the decision also weighs the Mahalanobis distance of the query to
the training data (voc.nlp.intent.ood, ``ood="distance+confidence"``), fitted on the same split. The n-gram head's weight is
0.5 (best of a grid in Banking77 5-fold CV) or chosen on the held-out split (``tfidf_weight="auto"``).
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence, Union

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from voc.config import EmbedConfig
from voc.errors import Errors, VocError
from voc.nlp.embed import Embedder, get_embedder
from voc.nlp.intent import artifact, features
from voc.nlp.intent.calibration import choose_threshold, fit_temperature, probabilities
from voc.nlp.intent.ood import DistanceScorer, OodRule, choose_rule

log = logging.getLogger(__name__)

OOS_LABELS = ("oos", "out_of_scope", "out-of-scope")


@dataclass
class _Heads:
    """The fitted linear heads: on embeddings, and optionally on TF-IDF n-grams."""
    coef: np.ndarray
    intercept: np.ndarray
    tfidf: Optional[TfidfVectorizer] = None
    tfidf_coef: Optional[np.ndarray] = None
    tfidf_intercept: Optional[np.ndarray] = None

    def scores(self, emb: np.ndarray, texts: Sequence[str]) -> tuple[np.ndarray, Optional[np.ndarray]]:
        e = features.linear_scores(np.asarray(emb, dtype=np.float32), self.coef, self.intercept)
        if self.tfidf is None:
            return e, None
        return e, features.linear_scores(self.tfidf.transform(list(texts)), self.tfidf_coef, self.tfidf_intercept)


class IntentClassifier:
    def __init__(self, *, embed: Optional[EmbedConfig] = None, C: float = 20.0, feature_set: str = "embedding+tfidf",
                 tfidf_weight: Union[str, float] = 0.5, tfidf_C: float = 10.0, threshold: Union[str, float] = "auto",
                 holdout: float = 0.15,
                 unknown_label: str = "unknown", oos_labels: Sequence[str] = OOS_LABELS, min_per_class: int = 2,
                 max_iter: int = 1000, finetune: bool = False, finetune_epochs: int = 2, finetune_lr: float = 5e-5,
                 finetune_batch_size: int = 32, seed: int = 42, ood: str = "distance+confidence") -> None:
        self.embed = embed
        self.C = C
        self.feature_set = feature_set
        self.tfidf_weight = tfidf_weight
        self.tfidf_C = tfidf_C
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
        self.ood = ood

    # -- helpers ----------------------------------------------------------------------------------
    def _params(self) -> dict[str, Any]:
        p = {k: getattr(self, k) for k in ("C", "feature_set", "tfidf_weight", "tfidf_C", "threshold", "holdout", "unknown_label",
                                            "min_per_class", "max_iter", "finetune", "finetune_epochs", "finetune_lr",
                                            "finetune_batch_size", "seed", "ood")}
        p["oos_labels"] = list(self.oos_labels)
        return p

    def _check_params(self) -> None:
        if self.ood not in ("distance+confidence", "confidence"):
            raise ValueError(f"ood must be 'distance+confidence' or 'confidence', got {self.ood!r}")
        if self.feature_set not in features.FEATURE_SETS:
            raise ValueError(f"feature_set must be one of {features.FEATURE_SETS}, got {self.feature_set!r}")
        if not (isinstance(self.threshold, (int, float)) or self.threshold == "auto"):
            raise ValueError(f"threshold must be 'auto' or a number, got {self.threshold!r}")
        if not (isinstance(self.tfidf_weight, (int, float)) and self.tfidf_weight >= 0 or self.tfidf_weight == "auto"):
            raise ValueError(f"tfidf_weight must be 'auto' or a number >= 0, got {self.tfidf_weight!r}")
        for name in ("C", "tfidf_C"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)!r}")

    def _new_lr(self, C: float) -> LogisticRegression:
        return LogisticRegression(C=C, max_iter=self.max_iter, random_state=self.seed)

    def _fit_heads(self, emb: np.ndarray, texts: list[str], y: np.ndarray) -> "_Heads":
        heads = _Heads(*features.softmax_weights(self._new_lr(self.C).fit(emb, y)))
        if self.feature_set == "embedding+tfidf":
            heads.tfidf = features.new_tfidf().fit(texts)
            tlr = self._new_lr(self.tfidf_C).fit(heads.tfidf.transform(texts), y)
            heads.tfidf_coef, heads.tfidf_intercept = features.softmax_weights(tlr)
        return heads

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
        self.tfidf_weight_ = 1.0 if self.tfidf_weight == "auto" else float(self.tfidf_weight)
        self.ood_rule_: Optional[OodRule] = None
        self.distance_: Optional[DistanceScorer] = None
        if len(ho):
            heads = self._fit_heads(emb_all[ins_idx[tr]], list(txt[ins_idx[tr]]), y_idx[tr])
            eh, th = heads.scores(emb_all[ins_idx[ho]], list(txt[ins_idx[ho]]))
            if th is not None and self.tfidf_weight == "auto":
                self.tfidf_weight_ = features.choose_weight(eh, th, y_idx[ho])
            lh = features.fuse(eh, th, self.tfidf_weight_)
            self.temperature_ = fit_temperature(lh, y_idx[ho])
            ph = probabilities(lh, self.temperature_)
            conf_h, pred_h = ph.max(axis=1), ph.argmax(axis=1)
            conf_oos = None
            if is_oos.any():
                lo = features.fuse(*heads.scores(emb_all[is_oos], list(txt[is_oos])), self.tfidf_weight_)
                conf_oos = probabilities(lo, self.temperature_).max(axis=1)
            auto_thr = choose_threshold(conf_h, pred_h == y_idx[ho], conf_oos)
            thr = auto_thr if self.threshold == "auto" else float(self.threshold)
            kept = conf_h >= thr
            use_distance = self.ood == "distance+confidence" and self.threshold == "auto" and conf_oos is not None
            if use_distance:
                # distance to the training data as second evidence, standardised and weighted on held-out data
                dist_fit = DistanceScorer.fit(emb_all[ins_idx[tr]], y_idx[tr])
                self.ood_rule_ = choose_rule(conf_h, dist_fit.score(emb_all[ins_idx[ho]]), pred_h == y_idx[ho],
                                             conf_oos, dist_fit.score(emb_all[is_oos]))
                if self.ood_rule_.weight > 0:
                    s_h = self.ood_rule_.combined(conf_h, dist_fit.score(emb_all[ins_idx[ho]]))
                    s_o = self.ood_rule_.combined(conf_oos, dist_fit.score(emb_all[is_oos]))
                    kept = s_h >= self.ood_rule_.threshold
                    conf_oos_kept = s_o >= self.ood_rule_.threshold
                else:
                    self.ood_rule_ = None  # the distance did not help on held-out data: confidence alone
            self.holdout_ = {"n": int(len(ho)), "accuracy": float(np.mean(pred_h == y_idx[ho])),
                             "accuracy_at_threshold": float(np.mean(kept & (pred_h == y_idx[ho]))),
                             "coverage_at_threshold": float(np.mean(kept)), "n_oos": int(is_oos.sum()),
                             "oos_recall_at_threshold": (float(np.mean(~conf_oos_kept)) if self.ood_rule_ is not None else
                                                         float(np.mean(conf_oos < thr))) if conf_oos is not None else None,
                             "ood": "distance+confidence" if self.ood_rule_ is not None else "confidence",
                             "ood_weight": self.ood_rule_.weight if self.ood_rule_ is not None else None}
        else:
            if self.threshold == "auto":
                log.warning("too little data for a held-out split: threshold 0 (never 'unknown') and no calibration")
            thr = 0.0 if self.threshold == "auto" else float(self.threshold)
        self.threshold_ = float(thr)

        # Final heads on every in-scope item.
        heads = self._fit_heads(emb_all[ins_idx], list(txt[ins_idx]), y_idx)
        self.coef_, self.intercept_ = heads.coef, heads.intercept
        self.tfidf_, self.tfidf_coef_, self.tfidf_intercept_ = heads.tfidf, heads.tfidf_coef, heads.tfidf_intercept
        if self.ood_rule_ is not None:
            self.distance_ = DistanceScorer.fit(emb_all[ins_idx], y_idx)
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
        heads = _Heads(self.coef_, self.intercept_, self.tfidf_, self.tfidf_coef_, self.tfidf_intercept_)
        return probabilities(features.fuse(*heads.scores(embeddings, texts), self.tfidf_weight_), self.temperature_)

    def predict(self, texts: Sequence[str], *, embeddings: Optional[np.ndarray] = None,
                threshold: Optional[float] = None) -> tuple[np.ndarray, np.ndarray]:
        """(labels, confidences); a label is ``unknown_label`` where the confidence is below the threshold."""
        texts = ["" if t is None else str(t) for t in texts]
        if embeddings is None and texts:
            embeddings = self.embedder().encode(texts)
        p = self.predict_proba(texts, embeddings=embeddings)
        if len(p) == 0:
            return np.asarray([], dtype=object), np.asarray([], dtype=np.float64)
        conf = p.max(axis=1)
        rule, dist = getattr(self, "ood_rule_", None), getattr(self, "distance_", None)
        if threshold is None and rule is not None and dist is not None:
            # out of scope: the fitted combination of confidence and distance to the training data
            kept = rule.combined(conf, dist.score(embeddings)) >= rule.threshold
        else:
            kept = conf >= (self.threshold_ if threshold is None else float(threshold))
        labels = np.where(kept, self.classes_[p.argmax(axis=1)], self.unknown_label).astype(object)
        return labels, conf

    def info(self) -> dict[str, Any]:
        self._require_fitted()
        return {"kind": "supervised", "n_classes": len(self.classes_), "threshold": self.threshold_,
                "temperature": self.temperature_, "embedding_model": self.model_id_, "n_train": self.n_train_,
                "feature_set": self.feature_set, "tfidf_weight": self.tfidf_weight_ if self.tfidf_ is not None else None,
                "finetuned": self.encoder_dir_ is not None}

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
