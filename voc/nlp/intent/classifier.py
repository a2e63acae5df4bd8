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
``feature_set="stacked"`` (the default of `voc intents train`) replaces the two heads by the stacked
ensemble of voc.nlp.intent.ensemble (embedding head + n-gram SVM, weights by inner CV; Banking77 CV
93.04% vs 92.72%); its weights are learned once, on the held-out fit, and reused by the final refit.
"""
from __future__ import annotations

import logging
import shutil
import tempfile
import time
import weakref
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence, Union

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted

from voc.config import EmbedConfig, IntentTrainConfig
from voc.errors import Errors, VocError
from voc.nlp.embed import Embedder, get_embedder
from voc.nlp.intent import artifact, features
from voc.nlp.intent.calibration import choose_threshold, fit_temperature, probabilities
from voc.nlp.intent.ensemble import StackedHeads
from voc.nlp.intent.ood import DistanceScorer, OodRule, choose_rule

log = logging.getLogger(__name__)

@dataclass
class _Heads:
    """The fitted linear heads: on embeddings, and optionally on TF-IDF n-grams."""
    coef: np.ndarray
    intercept: np.ndarray
    tfidf: Optional[TfidfVectorizer] = None
    tfidf_coef: Optional[np.ndarray] = None
    tfidf_intercept: Optional[np.ndarray] = None
    stacked: Optional[StackedHeads] = None   # feature_set "stacked": the ensemble's fused logits replace both

    def scores(self, emb: np.ndarray, texts: Sequence[str]) -> tuple[np.ndarray, Optional[np.ndarray]]:
        if self.stacked is not None:
            return self.stacked.scores(emb, texts), None
        e = features.linear_scores(np.asarray(emb, dtype=np.float32), self.coef, self.intercept)
        if self.tfidf is None:
            return e, None
        return e, features.linear_scores(self.tfidf.transform(list(texts)), self.tfidf_coef, self.tfidf_intercept)


_DEFAULTS = IntentTrainConfig()   # the one definition of the training defaults (voc/config.py)
OOS_LABELS = tuple(_DEFAULTS.oos_labels)

# Everything fit() learns, each an attribute ending in '_' (scikit-learn's convention): what
# ``fitted_state()`` returns and ``from_fitted()`` restores, so what an artifact stores besides get_params().
FITTED = ("classes_", "embed_config_", "model_id_", "embed_precision_", "encoder_dir_", "temperature_", "threshold_",
          "tfidf_weight_", "coef_", "intercept_", "tfidf_", "tfidf_coef_", "tfidf_intercept_", "ood_rule_", "distance_",
          "holdout_", "n_train_", "n_oos_train_", "class_counts_", "cv_", "fit_seconds_", "stacked_")


class IntentClassifier(BaseEstimator):
    """A scikit-learn estimator: the constructor only stores its parameters (``get_params``, ``set_params``
    and ``sklearn.base.clone`` work), ``fit`` learns the attributes of ``FITTED``. Not a ClassifierMixin:
    ``predict`` returns (labels, confidences), the pair every caller in voc needs, where scikit-learn's
    scoring and meta-estimators expect labels alone. Defaults: ``intent.train`` of voc.config."""

    def __init__(self, *, embed: Optional[EmbedConfig] = None, C: float = _DEFAULTS.C, feature_set: str = _DEFAULTS.feature_set,
                 tfidf_weight: Union[str, float] = _DEFAULTS.tfidf_weight, tfidf_C: float = _DEFAULTS.tfidf_C,
                 threshold: Union[str, float] = _DEFAULTS.threshold, holdout: float = _DEFAULTS.holdout,
                 unknown_label: str = _DEFAULTS.unknown_label, oos_labels: Sequence[str] = OOS_LABELS,
                 min_per_class: int = _DEFAULTS.min_per_class, max_iter: int = _DEFAULTS.max_iter,
                 finetune: bool = _DEFAULTS.finetune, finetune_epochs: int = _DEFAULTS.finetune_epochs,
                 finetune_lr: float = _DEFAULTS.finetune_lr, finetune_batch_size: int = _DEFAULTS.finetune_batch_size,
                 seed: int = _DEFAULTS.seed, ood: str = _DEFAULTS.ood,
                 stacked_heads: Sequence[str] = tuple(_DEFAULTS.stacked_heads)) -> None:
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
        self.stacked_heads = stacked_heads

    @classmethod
    def from_config(cls, train: IntentTrainConfig, embed: Optional[EmbedConfig] = None, **overrides: Any) -> "IntentClassifier":
        """The estimator an ``intent.train`` section describes (``overrides``: parameters given on a command line)."""
        params = train.model_dump()
        params["oos_labels"] = tuple(params["oos_labels"])
        params["stacked_heads"] = tuple(params["stacked_heads"])
        return cls(embed=embed, **{**params, **overrides})

    # -- helpers ----------------------------------------------------------------------------------
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

    def _fit_heads(self, emb: np.ndarray, texts: list[str], y: np.ndarray, stacked_weights: Any = "auto") -> "_Heads":
        if self.feature_set == "stacked":   # voc.nlp.intent.ensemble; head weights by inner CV unless given
            st = StackedHeads(heads=tuple(self.stacked_heads), C=self.C, ngram_C=self.tfidf_C, weights=stacked_weights,
                              max_iter=self.max_iter, seed=self.seed).fit(emb, texts, y)
            coef, intercept = (st.coefs_[st.heads.index("embedding_lr")], st.intercepts_[st.heads.index("embedding_lr")]) \
                if "embedding_lr" in st.heads else (np.zeros((st.n_classes_, emb.shape[1]), np.float32),
                                                    np.zeros(st.n_classes_, np.float32))
            return _Heads(coef, intercept, stacked=st)
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

            tmp = Path(tempfile.mkdtemp(prefix="voc-intent-encoder-"))
            weakref.finalize(self, shutil.rmtree, tmp, ignore_errors=True)   # removed with the estimator
            base = Embedder(embed_cfg)
            finetune_encoder(base.model_path, list(txt[ins_idx[tr]]), list(y_idx[tr]), tmp / "encoder",
                             epochs=self.finetune_epochs, lr=self.finetune_lr, batch_size=self.finetune_batch_size,
                             seed=self.seed, device=base.device)
            self.encoder_dir_ = tmp / "encoder"
            embed_cfg = embed_cfg.model_copy(update={"model": str(self.encoder_dir_)})
        self.embed_config_ = embed_cfg
        embedder = get_embedder(embed_cfg)
        emb_all = embedder.encode(list(txt))
        self.model_id_ = embedder.model_id
        # the precision the vectors were made in (after the encoder loaded: int8 falls back to fp32 for a model that
        # cannot be exported); a run that encodes in another precision is checked against it (voc.nlp.intent.precision)
        self.embed_precision_: Optional[str] = embedder.precision

        self.temperature_ = 1.0
        self.holdout_ = {}
        self.tfidf_weight_ = 1.0 if self.tfidf_weight == "auto" else float(self.tfidf_weight)
        self.ood_rule_: Optional[OodRule] = None
        self.distance_: Optional[DistanceScorer] = None
        stacked_weights: Any = "auto"
        if len(ho):
            heads = self._fit_heads(emb_all[ins_idx[tr]], list(txt[ins_idx[tr]]), y_idx[tr])
            if heads.stacked is not None:
                stacked_weights = tuple(heads.stacked.weights_)   # the final refit reuses them: one inner CV
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
        heads = self._fit_heads(emb_all[ins_idx], list(txt[ins_idx]), y_idx, stacked_weights)
        self.coef_, self.intercept_ = heads.coef, heads.intercept
        self.stacked_: Optional[StackedHeads] = heads.stacked
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
        check_is_fitted(self, "coef_", msg="IntentClassifier is not fitted: call fit() or IntentClassifier.load()")

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
        heads = _Heads(self.coef_, self.intercept_, self.tfidf_, self.tfidf_coef_, self.tfidf_intercept_,
                       getattr(self, "stacked_", None))
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
        info = {"kind": "supervised", "n_classes": len(self.classes_), "threshold": self.threshold_,
                "temperature": self.temperature_, "embedding_model": self.model_id_,
                "embed_precision": getattr(self, "embed_precision_", None), "n_train": self.n_train_,
                "feature_set": self.feature_set, "tfidf_weight": self.tfidf_weight_ if self.tfidf_ is not None else None,
                "finetuned": self.encoder_dir_ is not None}
        if getattr(self, "stacked_", None) is not None:
            info["stacked_weights"] = dict(zip(self.stacked_.heads, self.stacked_.weights_.round(4).tolist()))
        return info

    # -- fitted state and persistence -----------------------------------------------------------------
    def fitted_state(self) -> dict[str, Any]:
        """What fit() learned: the attributes of ``FITTED`` by name (an artifact stores them with get_params())."""
        self._require_fitted()
        return {name: getattr(self, name) for name in FITTED}

    @classmethod
    def from_fitted(cls, params: dict[str, Any], state: dict[str, Any]) -> "IntentClassifier":
        """``cls(**params)`` with the learned ``state`` of ``fitted_state()`` restored (how an artifact is read).
        ValueError names what is missing, unknown or inconsistent."""
        unknown_params = sorted(set(params) - set(cls._get_param_names()))
        if unknown_params:
            raise ValueError(f"unknown parameter(s) {', '.join(unknown_params)}")
        missing, unknown = [k for k in FITTED if k not in state], sorted(set(state) - set(FITTED))
        if missing or unknown:
            problems = [f"lacks {', '.join(missing)}"] if missing else []
            problems += [f"has unknown {', '.join(unknown)}"] if unknown else []
            raise ValueError("fitted state " + "; ".join(problems))
        clf = cls(**params)
        for name in FITTED:
            setattr(clf, name, state[name])
        n = len(clf.classes_)
        if clf.coef_.shape[0] != n or clf.intercept_.shape != (n,):
            raise ValueError(f"the weights have {clf.coef_.shape[0]} classes, the labels {n}")
        if clf.tfidf_ is not None:
            expected = (n, len(clf.tfidf_.vocabulary_))
            if clf.tfidf_coef_ is None or clf.tfidf_coef_.shape != expected:
                raise ValueError(f"the n-gram weights have shape {getattr(clf.tfidf_coef_, 'shape', None)}, expected {expected}")
        if clf.stacked_ is not None and clf.stacked_.n_classes_ != n:
            raise ValueError(f"the stacked heads have {clf.stacked_.n_classes_} classes, the labels {n}")
        if (clf.ood_rule_ is None) != (clf.distance_ is None):
            raise ValueError("the out-of-scope rule and the distance scorer come together")
        return clf

    def save(self, path: str | Path) -> Path:
        self._require_fitted()
        return artifact.save(self, Path(path))

    @classmethod
    def load(cls, path: str | Path, *, embed: Optional[EmbedConfig] = None) -> "IntentClassifier":
        """Load an artifact folder; ``embed`` overrides device, batch size and cache (never the model)."""
        return artifact.load(cls, Path(path), embed=embed)
