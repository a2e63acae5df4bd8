"""A stacked ensemble of linear intent heads: the ``feature_set="stacked"`` of IntentClassifier.

Up to four linear heads see the same query two ways (the default, ``DEFAULT_HEADS``, is the first
logistic regression and the n-gram SVM):

=================  ==================================================================  =========
head               features                                                             model
=================  ==================================================================  =========
``embedding_lr``   the L2-normalised sentence embedding                                 multinomial logistic regression (C=20)
``ngram_lr``       TF-IDF character 2-5-grams (word-bounded)                            multinomial logistic regression (C=10)
``embedding_svm``  the embedding                                                        linear SVM, one-vs-rest (C=1)
``ngram_svm``      TF-IDF character 2-5-grams + word 1-2-grams                          linear SVM, one-vs-rest (C=0.5)
=================  ==================================================================  =========

and their scores are added, each head weighted: ``logits = sum_h w_h * scores_h``. The weights are
not tuned by hand: they minimise the log-loss of ``softmax(logits)`` over out-of-fold scores of an
inner stratified cross-validation on the training data (``inner_folds``; non-negative weights, a
4-parameter convex problem), so the same weights also calibrate the ensemble's probabilities.
Per-row constants do not change a softmax, so a logistic head's raw scores and its log-probabilities
give the same ensemble.

Every head is linear, so the fitted state is plain arrays (coefficients, intercepts, n-gram
vocabularies and idf weights), saved without pickle (:meth:`StackedHeads.to_arrays`), and prediction
costs one sparse and one dense matrix product per head. Measured figures: docs/evaluation.md.

Follows scikit-learn's estimator contract: parameters in ``__init__`` (``get_params``), fitted
state in attributes ending ``_``.
"""
from __future__ import annotations

from typing import Any, Sequence, Union

import numpy as np
from scipy.optimize import minimize
from scipy.special import log_softmax
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from voc.config import STACKED_HEADS, IntentTrainConfig
from voc.nlp.intent import features

# Every head name, defined once with the config's Literal (voc.config.StackedHead); _HEAD_INPUTS and _model
# below give each its features and model (tests/nlp/test_intent_ensemble.py checks they cover exactly these).
HEADS = STACKED_HEADS
# The default pair, defined once in intent.train.stacked_heads: on Banking77 folds the inner CV gave ngram_lr
# and embedding_svm weights of ~0.06 and 0 (fold 1 of 5: all four heads 92.75%, this pair 92.80%), and the
# pair trains ~3x faster.
DEFAULT_HEADS = tuple(IntentTrainConfig().stacked_heads)
# Vectorizers the heads read: the character n-grams of the n-gram head (features.TFIDF_PARAMS) and word n-grams.
WORD_TFIDF_PARAMS = dict(analyzer="word", ngram_range=(1, 2), min_df=1, sublinear_tf=True, lowercase=True,
                         token_pattern=r"(?u)\b\w+\b", max_features=200_000, dtype=np.float32)
_HEAD_INPUTS = {"embedding_lr": ("embedding",), "ngram_lr": ("char",), "embedding_svm": ("embedding",),
                "ngram_svm": ("char", "word")}


def _vectorizer(kind: str) -> TfidfVectorizer:
    return features.new_tfidf() if kind == "char" else TfidfVectorizer(**WORD_TFIDF_PARAMS)


def _vectorizer_from_arrays(kind: str, vocab: np.ndarray, idf: np.ndarray) -> TfidfVectorizer:
    if kind == "char":
        return features.tfidf_from_arrays(vocab, idf)
    vec = TfidfVectorizer(**{**WORD_TFIDF_PARAMS, "max_features": None, "min_df": 1},
                          vocabulary={str(t): i for i, t in enumerate(vocab)})
    vec.idf_ = np.asarray(idf, dtype=np.float64)
    return vec


def fit_weights(scores: Sequence[np.ndarray], y: np.ndarray) -> np.ndarray:
    """Non-negative weights w minimising the mean log-loss of softmax(sum_h w_h * scores_h) on (scores, y)."""
    S = [np.asarray(s, dtype=np.float64) for s in scores]
    S = [s - s.max(axis=1, keepdims=True) for s in S]
    rows = np.arange(len(y))

    def nll(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = sum(wi * s for wi, s in zip(w, S))
        lp = log_softmax(z, axis=1)
        p = np.exp(lp)
        loss = -lp[rows, y].mean()
        # d loss / d w_h = mean over rows of (E_p[s_h] - s_h[y])
        grad = np.array([np.mean((p * s).sum(axis=1) - s[rows, y]) for s in S])
        return float(loss), grad

    w0 = np.full(len(S), 1.0 / len(S))
    res = minimize(nll, w0, jac=True, method="L-BFGS-B", bounds=[(0.0, None)] * len(S))
    return np.asarray(res.x, dtype=np.float64)


class StackedHeads:
    """Linear heads on embeddings and n-grams, added with weights fitted by inner cross-validation.

    ``fit(embeddings, texts, y)`` with integer labels 0..k-1 (every label present); ``scores`` returns
    the (n, k) fused logits. ``weights="auto"`` fits the head weights by inner CV; a sequence of
    ``len(heads)`` numbers fixes them (IntentClassifier's final refit reuses the weights its held-out
    fit learned, so the inner CV runs once).
    """

    def __init__(self, *, heads: Sequence[str] = DEFAULT_HEADS, C: float = 20.0, ngram_C: float = 10.0, svm_C: float = 1.0,
                 ngram_svm_C: float = 0.5, weights: Union[str, Sequence[float]] = "auto", inner_folds: int = 3,
                 max_iter: int = 1000, seed: int = 42) -> None:
        self.heads = heads
        self.C = C
        self.ngram_C = ngram_C
        self.svm_C = svm_C
        self.ngram_svm_C = ngram_svm_C
        self.weights = weights
        self.inner_folds = inner_folds
        self.max_iter = max_iter
        self.seed = seed

    def get_params(self, deep: bool = False) -> dict[str, Any]:
        return {"heads": list(self.heads), "C": self.C, "ngram_C": self.ngram_C, "svm_C": self.svm_C,
                "ngram_svm_C": self.ngram_svm_C, "weights": self.weights if isinstance(self.weights, str) else list(self.weights),
                "inner_folds": self.inner_folds, "max_iter": self.max_iter, "seed": self.seed}

    def _check_params(self) -> None:
        bad = [h for h in self.heads if h not in HEADS]
        if bad or not self.heads or len(set(self.heads)) != len(self.heads):
            raise ValueError(f"heads must be distinct names from {HEADS}, got {list(self.heads)!r}")
        if not (self.weights == "auto" or (not isinstance(self.weights, str) and len(self.weights) == len(self.heads)
                                           and all(float(w) >= 0 for w in self.weights))):
            raise ValueError(f"weights must be 'auto' or {len(self.heads)} numbers >= 0, got {self.weights!r}")
        if self.weights == "auto" and self.inner_folds < 2:
            raise ValueError(f"inner_folds must be >= 2, got {self.inner_folds!r}")
        for name in ("C", "ngram_C", "svm_C", "ngram_svm_C"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)!r}")

    # -- the heads -----------------------------------------------------------------------------------
    def _model(self, head: str):
        if head == "embedding_lr":
            return LogisticRegression(C=self.C, max_iter=self.max_iter, random_state=self.seed)
        if head == "ngram_lr":
            return LogisticRegression(C=self.ngram_C, max_iter=self.max_iter, random_state=self.seed)
        return LinearSVC(C=self.svm_C if head == "embedding_svm" else self.ngram_svm_C, max_iter=max(self.max_iter, 2000),
                         random_state=self.seed)

    @staticmethod
    def _design(head: str, emb: np.ndarray, vecs: dict[str, TfidfVectorizer], texts: list[str], cache: dict):
        parts = []
        for kind in _HEAD_INPUTS[head]:
            if kind == "embedding":
                parts.append(np.asarray(emb, dtype=np.float32))
            else:
                if kind not in cache:
                    cache[kind] = vecs[kind].transform(texts)
                parts.append(cache[kind])
        if len(parts) == 1:
            return parts[0]
        from scipy.sparse import hstack

        return hstack(parts).tocsr()

    def _fit_heads(self, emb: np.ndarray, texts: list[str], y: np.ndarray, n_classes: int):
        kinds = sorted({k for h in self.heads for k in _HEAD_INPUTS[h] if k != "embedding"})
        vecs = {k: _vectorizer(k).fit(texts) for k in kinds}
        cache: dict = {}
        fitted = []
        for h in self.heads:
            model = self._model(h).fit(self._design(h, emb, vecs, texts, cache), y)
            coef, intercept = features.softmax_weights(model)
            if coef.shape[0] != n_classes:
                raise ValueError(f"head {h}: {coef.shape[0]} classes fitted, expected {n_classes}")
            fitted.append((coef, intercept))
        return vecs, fitted

    def _head_scores(self, emb: np.ndarray, texts: list[str], vecs, fitted) -> list[np.ndarray]:
        cache: dict = {}
        return [features.linear_scores(self._design(h, emb, vecs, texts, cache), coef, intercept)
                for h, (coef, intercept) in zip(self.heads, fitted)]

    # -- fit / scores --------------------------------------------------------------------------------
    def fit(self, emb: np.ndarray, texts: Sequence[str], y: Sequence[int]) -> "StackedHeads":
        self._check_params()
        texts = ["" if t is None else str(t) for t in texts]
        y = np.asarray(y, dtype=np.int64)
        emb = np.asarray(emb, dtype=np.float32)
        if len(texts) != len(y) or len(emb) != len(y):
            raise ValueError(f"{len(emb)} embeddings, {len(texts)} texts and {len(y)} labels")
        k = int(y.max()) + 1
        if len(np.unique(y)) != k:
            raise ValueError("labels must be 0..k-1, each present")
        if self.weights == "auto":
            min_count = int(np.bincount(y).min())
            n_splits = min(self.inner_folds, min_count)
            if n_splits >= 2:
                oof = [np.zeros((len(y), k)) for _ in self.heads]
                skf = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=self.seed)
                for tr, te in skf.split(np.zeros(len(y)), y):
                    if len(np.unique(y[tr])) != k:
                        continue
                    vecs, fitted = self._fit_heads(emb[tr], [texts[i] for i in tr], y[tr], k)
                    for o, s in zip(oof, self._head_scores(emb[te], [texts[i] for i in te], vecs, fitted)):
                        o[te] = s
                self.weights_ = fit_weights(oof, y)
                self.inner_accuracy_ = {h: float(np.mean(o.argmax(axis=1) == y)) for h, o in zip(self.heads, oof)}
                fused = sum(w * o for w, o in zip(self.weights_, oof))
                self.inner_accuracy_["stacked"] = float(np.mean(fused.argmax(axis=1) == y))
            else:  # too few examples per class for an inner CV: equal weights
                self.weights_ = np.ones(len(self.heads))
                self.inner_accuracy_ = {}
        else:
            self.weights_ = np.asarray([float(w) for w in self.weights], dtype=np.float64)
            self.inner_accuracy_ = {}
        self.vectorizers_, fitted = self._fit_heads(emb, texts, y, k)
        self.coefs_ = [c for c, _ in fitted]
        self.intercepts_ = [b for _, b in fitted]
        self.n_classes_ = k
        return self

    def scores(self, emb: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """(n, k) ensemble logits: the weighted sum of the heads' scores."""
        if not hasattr(self, "coefs_"):
            raise RuntimeError("StackedHeads is not fitted")
        texts = ["" if t is None else str(t) for t in texts]
        if len(texts) == 0:
            return np.zeros((0, self.n_classes_))
        per_head = self._head_scores(np.asarray(emb, dtype=np.float32), texts, self.vectorizers_,
                                     list(zip(self.coefs_, self.intercepts_)))
        return sum(w * s for w, s in zip(self.weights_, per_head))

    # -- saved form: plain arrays ------------------------------------------------------------------
    def to_arrays(self, prefix: str = "stacked_") -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {f"{prefix}weights": np.asarray(self.weights_, dtype=np.float64)}
        for kind, vec in self.vectorizers_.items():
            out[f"{prefix}{kind}_vocab"], out[f"{prefix}{kind}_idf"] = features.tfidf_to_arrays(vec)
        for h, c, b in zip(self.heads, self.coefs_, self.intercepts_):
            out[f"{prefix}{h}_coef"], out[f"{prefix}{h}_intercept"] = c, b
        return out

    @classmethod
    def from_arrays(cls, params: dict[str, Any], arrays: dict[str, np.ndarray], prefix: str = "stacked_") -> "StackedHeads":
        """Rebuild a fitted ensemble from ``get_params()`` and ``to_arrays()`` (KeyError when an array is missing)."""
        est = cls(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in params.items()})
        est.weights_ = np.asarray(arrays[f"{prefix}weights"], dtype=np.float64)
        kinds = sorted({k for h in est.heads for k in _HEAD_INPUTS[h] if k != "embedding"})
        est.vectorizers_ = {k: _vectorizer_from_arrays(k, arrays[f"{prefix}{k}_vocab"], arrays[f"{prefix}{k}_idf"])
                            for k in kinds}
        est.coefs_ = [np.asarray(arrays[f"{prefix}{h}_coef"]) for h in est.heads]
        est.intercepts_ = [np.asarray(arrays[f"{prefix}{h}_intercept"]) for h in est.heads]
        est.n_classes_ = int(est.coefs_[0].shape[0])
        if len(est.weights_) != len(est.heads) or any(c.shape[0] != est.n_classes_ for c in est.coefs_):
            raise ValueError("stacked ensemble arrays do not match its heads")
        est.inner_accuracy_ = {}
        return est
