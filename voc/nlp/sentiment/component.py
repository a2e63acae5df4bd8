"""Pipeline step "sentiment": a score and label per customer message, then per contact
(score, label and trajectory start/end/min; see ``trajectory.py``).

messages gain ``sentiment``, ``sentiment_score`` (customer messages only; agent/bot/system rows null);
contacts gain ``sentiment``, ``sentiment_score``, ``sentiment_start``, ``sentiment_end``, ``sentiment_min``
(null for a contact without customer text).
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np
import pandas as pd
import pyarrow as pa

from voc import registry
from voc.component import Batch, Component
from voc.config import EmbedConfig, SentimentConfig
from voc.nlp.sentiment.auto import make_backend
from voc.nlp.sentiment.base import SentimentBackend
from voc.nlp.sentiment.trajectory import PROBA_COLUMNS, contact_sentiment

CONTACT_OUT = ("sentiment", "sentiment_score", "sentiment_start", "sentiment_end", "sentiment_min")
_STR = pd.ArrowDtype(pa.string())
_F64 = pd.ArrowDtype(pa.float64())


@registry.components.register("sentiment")
class SentimentComponent(Component):
    """``embed``: the pipeline's EmbedConfig (device, batch size, cache), used by backends that embed."""

    name = "sentiment"

    def __init__(self, config: SentimentConfig, embed: Optional[EmbedConfig] = None) -> None:
        self.config = config
        self.embed = embed

    @property
    def backend_(self) -> SentimentBackend:
        if "_backend" not in self.__dict__:
            self._backend = make_backend(self.config, embed=self.embed)
        return self._backend

    def load(self) -> None:
        self.backend_

    def score_messages(self, messages: pd.DataFrame) -> pd.DataFrame:
        """messages + sentiment, sentiment_score (customer rows with text) + p_* when the backend has them."""
        m = messages.copy()
        role = m["role"].astype(str).str.lower()
        text = m["text"].fillna("").astype(str)
        mask = ((role == "customer") & (text.str.strip().str.len() > 0)).to_numpy()
        scores = np.full(len(m), np.nan)
        labels = np.full(len(m), None, dtype=object)
        proba = None
        if mask.any():
            unique = list(dict.fromkeys(text[mask].tolist()))       # repeated texts ("thanks!") are scored once
            res = self.backend_.analyze(unique)
            pos = {t: i for i, t in enumerate(unique)}
            idx = np.array([pos[t] for t in text[mask]])
            scores[mask] = res.scores[idx]
            labels[mask] = np.asarray(res.labels, dtype=object)[idx]
            if res.proba is not None:
                proba = np.full((len(m), 3), np.nan)
                proba[mask] = res.proba[idx]
        m["sentiment"] = pd.Series(labels, index=m.index, dtype=object).astype(_STR)
        m["sentiment_score"] = pd.Series(scores, index=m.index).astype(_F64)
        if proba is not None:
            for j, c in enumerate(PROBA_COLUMNS):
                m[c] = proba[:, j]
        return m

    def __call__(self, batch: Batch) -> Batch:
        scored = self.score_messages(batch.messages)
        per_contact = contact_sentiment(
            scored, aggregate=self.config.aggregate, negative_below=self.config.negative_below,
            positive_above=self.config.positive_above, contact_ids=batch.contacts["contact_id"].astype(str).tolist(),
            recency_decay=self.config.recency_decay)
        contacts = batch.contacts.copy()
        for c in CONTACT_OUT:
            vals = per_contact[c].to_numpy()
            contacts[c] = pd.Series(vals, index=contacts.index).astype(_STR if c == "sentiment" else _F64)
        batch.contacts = contacts
        batch.messages = scored.drop(columns=[c for c in PROBA_COLUMNS if c in scored.columns])
        return batch

    def info(self) -> dict[str, Any]:
        return {"name": self.name, **self.backend_.info(), "aggregate": self.config.aggregate,
                "recency_decay": self.config.recency_decay}
