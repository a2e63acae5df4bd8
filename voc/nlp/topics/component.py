"""Pipeline step "topics": fits a topic model on the whole corpus (or loads ``topics.model``),
adds ``topic_id`` (int32, -1 = unassigned) and ``topic_label`` to the contacts, and writes
``topics``, ``topics_over_time`` and the model folder (``<out>/topic_model`` by default).

A topic model that cannot be fitted (too few contacts, no cluster found, nothing but stop words)
never stops the run: every contact gets -1 / 'unassigned' and ``info()`` says why.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any, Optional

import numpy as np
import pandas as pd
import pyarrow as pa

from voc import catalog, datasets, registry
from voc.component import Batch, Component
from voc.config import EmbedConfig, TopicsConfig
from voc.errors import Errors, VocError
from voc.nlp.topics.analytics import flatten_lists, topic_table, topics_over_time
from voc.nlp.topics.labels import OUTLIER_ID
from voc.nlp.topics.model import TopicModel
from voc.schema import customer_text

log = logging.getLogger(__name__)

INT32 = pd.ArrowDtype(pa.int32())
STRING = pd.ArrowDtype(pa.string())


def _texts(batch: Batch) -> list[str]:
    if len(batch.contacts) == 0:
        return []
    return customer_text(batch.messages, batch.contacts).tolist()


def _embeddings(batch: Batch) -> np.ndarray:
    if batch.embeddings is None:
        raise VocError(Errors.E232)
    emb = np.asarray(batch.embeddings)
    if emb.ndim != 2 or emb.shape[0] != len(batch.contacts):
        raise ValueError(f"batch.embeddings has shape {emb.shape} for {len(batch.contacts)} contacts")
    return emb


@registry.components.register("topics")
class TopicsComponent(Component):
    name = "topics"
    needs_fit = True

    def __init__(self, config: TopicsConfig, embed: Optional[EmbedConfig] = None) -> None:
        self.config = config
        self.embed = embed  # the pipeline's encoder settings: topic keywords are re-ranked with it

    def fit(self, corpus: Batch) -> "TopicsComponent":
        texts = _texts(corpus)
        emb = _embeddings(corpus)
        cids = corpus.contacts["contact_id"].astype(str).tolist()
        keep = self.fit_sample(len(texts))
        if keep is not None:   # the others get the nearest centroid in __call__
            texts, emb, cids = [texts[i] for i in keep], emb[keep], [cids[i] for i in keep]
        embedding_model = corpus.extras.get("embedding_model")
        if self.config.model:
            model = TopicModel.load(self.config.model, self.config)
            if model.embedding_model_ and embedding_model and model.embedding_model_ != embedding_model:
                note = (f"the topic model was fitted on embeddings of '{model.embedding_model_}' but this run embeds "
                        f"with '{embedding_model}': assignments are only meaningful if both are the same model.")
                log.warning(note)
                model.notes_.append(note)
            ids, _ = model.transform(texts, emb)
            self.source_ = "loaded"
        else:
            try:
                embed_fn = None
                if self.embed is not None and self.config.representation == "keybert":
                    from voc.nlp.embed import get_embedder

                    embed_fn = get_embedder(self.embed).encode
                model = TopicModel(self.config).fit(texts, emb, embedding_model=embedding_model, embed_fn=embed_fn)
            except VocError:
                raise
            except Exception as e:  # one corpus the clustering libraries choke on must not sink the run
                log.warning("topic model could not be fitted, every contact is 'unassigned'", exc_info=True)
                model = TopicModel(self.config).fit([], np.zeros((0, emb.shape[1]), dtype=np.float32))
                model.notes_ = [f"topic model failed ({type(e).__name__}: {e}); every contact is 'unassigned'."]
                model.outlier_share_before_ = model.outlier_share_after_ = 1.0
                ids = np.full(len(texts), OUTLIER_ID, dtype=np.int32)
            else:
                ids = model.topics_
            self.source_ = model.status_
        if self.config.labels:
            model.apply_labels(self.config.labels)
            if len(ids) and model.merged_:
                ids = np.array([model.merged_.get(int(t), int(t)) for t in ids], dtype=np.int32)
        self.model_ = model
        ids = np.asarray(ids, dtype=np.int32)
        self.assignments_ = dict(zip(cids, ids.tolist()))
        self.info_table_ = model.describe(texts, emb, ids)
        self.n_fit_docs_ = len(texts)
        self.corpus_outlier_share_ = float(np.mean(ids == OUTLIER_ID)) if len(ids) else 0.0
        return self

    def fit_sample(self, n: int) -> Optional[np.ndarray]:
        """``topics.fit_max`` (the one sample size of both engines): a seeded random sample of that many of
        ``n`` contacts (same corpus, same sample), None when all are used (at most fit_max, or a saved model)."""
        cap = self.config.fit_max
        if cap is None or n <= cap or self.config.model:
            return None
        return np.sort(np.random.default_rng(self.config.seed).choice(n, cap, replace=False))

    def __call__(self, batch: Batch) -> Batch:
        if not hasattr(self, "model_"):
            raise RuntimeError("the topics step must be fitted on the corpus before it is called (needs_fit)")
        ids = np.full(len(batch.contacts), OUTLIER_ID, dtype=np.int32)
        cids = batch.contacts["contact_id"].astype(str).tolist()
        unknown = []
        for i, cid in enumerate(cids):
            t = self.assignments_.get(cid)
            if t is None:
                unknown.append(i)
            else:
                ids[i] = t
        if unknown:  # contacts the model was not fitted on: nearest topic centroid
            emb = _embeddings(batch)[unknown]
            all_texts = _texts(batch)
            texts = [all_texts[i] for i in unknown]
            new, _ = self.model_.transform(texts, emb)
            ids[unknown] = new
        contacts = batch.contacts.copy()
        contacts["topic_id"] = pd.array(ids, dtype=INT32)
        contacts["topic_label"] = pd.array(self.model_.label_of(ids), dtype=STRING)
        return replace(batch, contacts=contacts)

    # ------------------------------------------------------------------ outputs
    def topics_table(self, contacts: pd.DataFrame) -> pd.DataFrame:
        """topics.parquet for the given (topic-labelled) contacts."""
        return topic_table(self.info_table_, contacts)

    def over_time_table(self, contacts: pd.DataFrame) -> pd.DataFrame:
        return topics_over_time(contacts, self.config.time_bins)

    def model_dir(self, out_dir: str | Path) -> Path:
        return Path(self.config.save_to) if self.config.save_to else catalog.path(out_dir, "topic_model")

    def write_outputs(self, batch: Batch, out_dir: str | Path, fmt: str = "parquet") -> dict[str, str]:
        """Write topics.<fmt>, topics_over_time.<fmt> and the model folder; returns name -> path."""
        out_dir = Path(out_dir)
        topics = self.topics_table(batch.contacts)
        over_time = self.over_time_table(batch.contacts)
        if fmt == "csv":
            topics = flatten_lists(topics)
        out = {
            "topics": str(datasets.write_table(topics, catalog.path(out_dir, "topics", fmt), dataset="topics")),
            "topics_over_time": str(datasets.write_table(over_time, catalog.path(out_dir, "topics_over_time", fmt),
                                                         dataset="topics_over_time")),
        }
        out["topic_model"] = str(self.model_.save(self.model_dir(out_dir)))
        return out

    def info(self) -> dict[str, Any]:
        if not hasattr(self, "model_"):
            return {"name": self.name, "fitted": False}
        m = self.model_
        return {
            "name": self.name,
            "source": self.source_,               # fitted | loaded | unassigned
            "model_path": self.config.model,
            "n_topics": m.n_topics_,
            "n_docs": self.n_fit_docs_,
            "outlier_share_before": m.outlier_share_before_,
            "outlier_share_after": m.outlier_share_after_,
            "outlier_share": self.corpus_outlier_share_,
            "reduce_outliers": self.config.reduce_outliers,
            "seed": self.config.seed,
            "params": m.params_,
            "labels": {int(k): v for k, v in m.labels_.items() if k != OUTLIER_ID},
            "notes": list(m.notes_),
        }
