"""The outcome model and its baselines (scikit-learn estimators: params in __init__, fitted state
in attributes ending in ``_``).

OutcomeModel: scikit-learn's HistGradientBoostingClassifier. Chosen over LightGBM because it is the
same algorithm family (histogram-binned gradient boosting, LightGBM-style leaf-wise growth with native
missing values and categorical splits) already installed with scikit-learn: no extra native wheel to
ship or pin, deterministic with a seed, and fast enough for voc's sizes (BPIC 2012: ~13k journeys,
fit in about a second per cut). Journey tables rarely exceed a few million rows, where LightGBM's
extra speed would start to matter.

LastStepBaseline: logistic regression on the prefix's latest step alone (one-hot), i.e. "where is the
journey now" - the simple model a journey analyst would build first. The prior rate (every journey
gets the training positive rate) is the no-skill reference."""
from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import OneHotEncoder


class OutcomeModel:
    def __init__(self, max_iter: int = 200, learning_rate: float = 0.1, seed: int = 42,
                 categorical: Optional[list[bool]] = None):
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.seed = seed
        self.categorical = categorical

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> "OutcomeModel":
        cat = np.asarray(self.categorical, dtype=bool) if self.categorical is not None and any(self.categorical) else None
        # early stopping on a held-out 15% of the training journeys (log-loss) keeps the trees from
        # memorising small training sets, which also keeps the probabilities calibrated (Brier)
        stop = len(y) >= 200
        self.model_ = HistGradientBoostingClassifier(
            max_iter=self.max_iter, learning_rate=self.learning_rate, categorical_features=cat,
            early_stopping=stop, validation_fraction=0.15 if stop else None, n_iter_no_change=20, scoring="loss",
            max_leaf_nodes=15, l2_regularization=1.0, min_samples_leaf=max(5, min(20, len(y) // 50)),
            random_state=self.seed)
        self.model_.fit(X.to_numpy(dtype=float), np.asarray(y, dtype=int))
        self.columns_ = list(X.columns)
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return self.model_.predict_proba(X[self.columns_].to_numpy(dtype=float))[:, 1]


class LastStepBaseline:
    def __init__(self, column: str = "last_step"):
        self.column = column

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> "LastStepBaseline":
        y = np.asarray(y, dtype=int)
        self.prior_ = float(y.mean()) if len(y) else 0.0
        self.encoder_ = OneHotEncoder(handle_unknown="ignore")
        Z = self.encoder_.fit_transform(self._col(X))
        self.model_ = LogisticRegression(max_iter=1000) if len(np.unique(y)) == 2 else None
        if self.model_ is not None:
            self.model_.fit(Z, y)
        return self

    def _col(self, X: pd.DataFrame) -> np.ndarray:
        return X[[self.column]].fillna(-1).astype(int).astype(str).to_numpy()

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        if self.model_ is None:
            return np.full(len(X), self.prior_)
        return self.model_.predict_proba(self.encoder_.transform(self._col(X)))[:, 1]
