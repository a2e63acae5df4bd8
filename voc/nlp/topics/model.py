"""``TopicModel``: BERTopic on precomputed contact embeddings, seeded, with readable labels and a
saved form that assigns later batches to the same topic ids.

Pipeline (fit):  embeddings -> UMAP(cosine, seeded) -> HDBSCAN -> c-TF-IDF keywords
                 -> outliers (-1) moved to the nearest topic centroid (``reduce_outliers``,
                    strategy "embeddings") -> keywords recomputed (``update_topics``)
                 -> centroids, labels, representative documents.

Assignment of new documents (``transform``) is by cosine similarity to the topic centroids
(the mean embedding of each topic's documents), in the embedding space itself: it needs neither
UMAP nor HDBSCAN, so the saved model is small, safe to load (safetensors + JSON, no pickle) and
gives the same topic ids before and after a save/load round trip. The documents the model was
fitted on keep their fitted assignment (``topics_``).
"""
from __future__ import annotations

import json
import logging
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, Sequence

import numpy as np
import pandas as pd

from voc.config import TopicsConfig
from voc.datasets import atomic_dir
from voc.errors import Errors, VocError
from voc.nlp.topics.clustering import SplittingHDBSCAN
from voc.nlp.topics.labels import OUTLIER_ID, OUTLIER_LABEL, clean_keywords, unique_labels
from voc.nlp.topics.labels_file import apply_labels, merged_map
from voc.nlp.topics.neighbours import cosine_knn
from voc.nlp.topics.numba_cache import enable_umap_cache
from voc.nlp.topics.representation import N_CANDIDATES, rerank_keywords
from voc.nlp.topics.sizing import MIN_DOCS, EffectiveParams, effective_params
from voc.nlp.topics.vocabulary import keyword_docs, make_vectorizer

log = logging.getLogger(__name__)

FORMAT = "voc-topic-model"
FORMAT_VERSION = 1
META_FILE = "voc_topics.json"
BERTOPIC_DIR = "bertopic"
N_KEYWORDS = 10
N_REPRESENTATIVE = 3


@contextmanager
def _quiet() -> Iterator[None]:
    """BERTopic logs warnings for choices made here on purpose (custom topic lists, no embedding
    model saved); UMAP warns that a seed disables parallelism. Keep the user's console clean."""
    bt_logger = logging.getLogger("BERTopic")
    level = bt_logger.level
    bt_logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=UserWarning, module=r"umap\..*")
            warnings.filterwarnings("ignore", category=FutureWarning)
            yield
    finally:
        bt_logger.setLevel(level)


def _as_matrix(embeddings: Any, n_docs: int) -> np.ndarray:
    x = np.asarray(embeddings, dtype=np.float32)
    if x.ndim != 2 or x.shape[0] != n_docs:
        raise ValueError(f"embeddings must be a 2-D array with one row per document: got shape {x.shape} for {n_docs} documents")
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms == 0, 1.0, norms)


def _centroids(embeddings: np.ndarray, topics: np.ndarray, topic_ids: Sequence[int]) -> np.ndarray:
    out = np.zeros((len(topic_ids), embeddings.shape[1]), dtype=np.float32)
    for i, t in enumerate(topic_ids):
        c = embeddings[topics == t].mean(axis=0)
        n = np.linalg.norm(c)
        out[i] = c / n if n > 0 else c
    return out


def representative_docs(docs: Sequence[str], embeddings: np.ndarray, topics: np.ndarray,
                        topic_ids: Sequence[int], centroids: np.ndarray, k: int = N_REPRESENTATIVE) -> dict[int, list[str]]:
    """Per topic, the ``k`` distinct documents closest to its centroid (ties: first in input order)."""
    out: dict[int, list[str]] = {}
    for t, c in zip(topic_ids, centroids):
        idx = np.flatnonzero(topics == t)
        if idx.size == 0:
            out[int(t)] = []
            continue
        sims = embeddings[idx] @ c
        order = idx[np.lexsort((idx, -sims))]
        picked: list[str] = []
        for i in order:
            d = str(docs[i]).strip()
            if d and d not in picked:
                picked.append(d)
            if len(picked) == k:
                break
        out[int(t)] = picked
    return out


class TopicModel:
    """Topics of customer-side texts from their sentence embeddings (scikit-learn style).

    After ``fit``: ``model_`` (the BERTopic model, None when no model could be fitted),
    ``topics_`` (int32 topic id per fitted document, -1 = unassigned), ``topic_ids_`` and
    ``centroids_`` (one L2-normalised row per topic id >= 0), ``labels_`` and ``keywords_``
    (per topic id, -1 included), ``topic_info_`` (topic_id, label, keywords, size,
    representative_docs), ``outlier_share_before_`` / ``outlier_share_after_``, ``params_``
    (the settings used after adapting to the corpus size), ``status_`` ('fitted', 'loaded' or
    'unassigned') and ``notes_`` (why, when something was adapted or not possible).
    """

    def __init__(self, config: Optional[TopicsConfig] = None) -> None:
        self.config = config if config is not None else TopicsConfig()

    # ------------------------------------------------------------------ fit
    def fit(self, docs: Sequence[str], embeddings: np.ndarray, timestamps: Optional[Sequence[Any]] = None,
            *, embedding_model: Optional[str] = None,
            embed_fn: Optional[Callable[[list[str]], np.ndarray]] = None) -> "TopicModel":
        """Fit on ``docs`` (redacted customer texts) and their embeddings (one row per doc).

        ``timestamps`` (optional, one per doc) fills ``over_time_`` (see ``topics_over_time``).
        ``embedding_model`` is recorded in the saved model so a later run can check it embeds
        the same way (a local path or a voc model id, never a hub name). ``embed_fn`` (texts ->
        embeddings with the same encoder) lets keywords be re-ranked KeyBERT-style
        (``config.representation``, voc.nlp.topics.representation); without it c-TF-IDF order is kept.
        """
        self._embed_fn = embed_fn
        docs = [str(d) if d is not None else "" for d in docs]
        x = _as_matrix(embeddings, len(docs))
        cfg = self.config
        self.embedding_dim_ = int(x.shape[1])
        self.embedding_model_ = embedding_model
        self.n_docs_ = len(docs)
        self.notes_: list[str] = []
        self.merged_: dict[int, int] = {}
        self.labels_file_: Optional[str] = None
        self.model_ = None
        self.params_: dict[str, Any] = {}
        params = effective_params(len(docs), cfg)
        if params is None:
            self._unassigned(docs, x, f"{len(docs)} documents are too few for a topic model (at least {MIN_DOCS} are needed); "
                                      "every contact is 'unassigned'.")
            return self._finish_fit(docs, x, timestamps)
        self.params_ = params.as_dict()
        if params.adapted:
            self.notes_.append(
                f"settings adapted to {len(docs)} documents: n_neighbors={params.n_neighbors}, "
                f"n_components={params.n_components}, min_topic_size={params.min_topic_size}, "
                f"min_samples={params.min_samples}.")
        kdocs = keyword_docs(docs)
        try:
            topics = self._fit_bertopic(kdocs, x, params)
        except (ValueError, TypeError, IndexError) as e:
            # degenerate input: no keyword left after stop words (ValueError), a one-word vocabulary
            # (BERTopic 0.17 c-TF-IDF raises TypeError), UMAP/HDBSCAN on identical points
            log.warning("topic model could not be fitted: %s", e)
            self._unassigned(docs, x, f"no topic model could be fitted on {len(docs)} documents "
                                      f"({type(e).__name__}: {e}); every contact is 'unassigned'.")
            return self._finish_fit(docs, x, timestamps)
        if topics is None:
            self._unassigned(docs, x, f"HDBSCAN found no cluster of at least {params.min_topic_size} similar documents "
                                      f"among {len(docs)}; every contact is 'unassigned'. "
                                      "Lower topics.min_topic_size to find smaller topics.")
            return self._finish_fit(docs, x, timestamps)
        self.status_ = "fitted"
        self.topics_ = topics.astype(np.int32)
        return self._finish_fit(docs, x, timestamps)

    def _fit_bertopic(self, kdocs: list[str], x: np.ndarray, p: EffectiveParams) -> Optional[np.ndarray]:
        from bertopic import BERTopic
        from bertopic.vectorizers import ClassTfidfTransformer
        from umap import UMAP

        enable_umap_cache()
        cfg = self.config
        # exact neighbours by BLAS (voc.nlp.topics.neighbours): UMAP's own small-data path calls its
        # distance function per pair from Python, its large-data path is approximate
        knn = cosine_knn(x, p.n_neighbors)
        umap_model = UMAP(n_neighbors=p.n_neighbors, n_components=p.n_components, min_dist=0.0,
                          metric="cosine", random_state=cfg.seed, precomputed_knn=knn, n_epochs=cfg.umap_epochs)
        hdbscan_model = SplittingHDBSCAN(min_cluster_size=p.min_topic_size, min_samples=p.min_samples,
                                         max_share=p.max_topic_share)
        model = BERTopic(
            top_n_words=N_CANDIDATES, min_topic_size=p.min_topic_size, nr_topics=cfg.nr_topics,
            umap_model=umap_model, hdbscan_model=hdbscan_model,
            vectorizer_model=make_vectorizer(cfg.stop_words), ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
            calculate_probabilities=False, verbose=False,
        )
        with _quiet():
            topics, _ = model.fit_transform(kdocs, embeddings=x)
        topics = np.asarray(topics, dtype=np.int64)
        splits = getattr(model.hdbscan_model, "splits_", [])
        if splits:
            self.params_["splits"] = splits
            self.notes_.append(f"{len(splits)} topic(s) holding more than {p.max_topic_share:.0%} of the documents "
                               "were clustered again and split "
                               f"({', '.join(str(s['size']) + ' -> ' + str(s['into']) for s in splits)}).")
        self.outlier_share_before_ = float(np.mean(topics == OUTLIER_ID))
        if not np.any(topics != OUTLIER_ID):
            return None
        if cfg.reduce_outliers and np.any(topics == OUTLIER_ID):
            with _quiet():
                new = model.reduce_outliers(kdocs, topics.tolist(), strategy="embeddings", embeddings=x,
                                            threshold=cfg.outlier_threshold)
                model.update_topics(kdocs, topics=new, top_n_words=N_CANDIDATES, vectorizer_model=make_vectorizer(cfg.stop_words),
                                    ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True))
            topics = np.asarray(new, dtype=np.int64)
        self.outlier_share_after_ = float(np.mean(topics == OUTLIER_ID))
        # topic embeddings = centroids of the final assignment (BERTopic keeps the pre-reduction ones)
        ids = sorted(set(topics.tolist()))
        model.topic_embeddings_ = _centroids(x, topics, ids)
        self.model_ = model
        return topics

    def _unassigned(self, docs: list[str], x: np.ndarray, note: str) -> None:
        self.status_ = "unassigned"
        self.notes_.append(note)
        self.model_ = None
        self.topics_ = np.full(len(docs), OUTLIER_ID, dtype=np.int32)
        self.outlier_share_before_ = 1.0 if docs else 0.0
        self.outlier_share_after_ = self.outlier_share_before_

    def _finish_fit(self, docs: list[str], x: np.ndarray, timestamps: Optional[Sequence[Any]]) -> "TopicModel":
        topics = self.topics_
        self.topic_ids_ = np.array(sorted(t for t in set(topics.tolist()) if t != OUTLIER_ID), dtype=np.int32)
        self.centroids_ = _centroids(x, topics, self.topic_ids_.tolist())
        keywords: dict[int, list[str]] = {}
        if self.model_ is not None:
            candidates = {t: clean_keywords([w for w, _ in (self.model_.get_topic(int(t)) or [])], N_CANDIDATES)
                          for t in self.topic_ids_.tolist()}
            embed_fn = getattr(self, "_embed_fn", None)
            if self.config.representation == "keybert" and embed_fn is not None:
                cents = dict(zip(self.topic_ids_.tolist(), self.centroids_))
                keywords = rerank_keywords(candidates, cents, embed_fn, top_n=N_KEYWORDS)
                self.params_["representation"] = "keybert"
            else:
                keywords = {t: c[:N_KEYWORDS] for t, c in candidates.items()}
                self.params_["representation"] = "ctfidf"
        self._embed_fn = None  # not part of the fitted state (nor of the saved model)
        self.keywords_ = {OUTLIER_ID: [], **keywords}
        self.labels_ = unique_labels(self.keywords_)
        if self.model_ is not None:
            with _quiet():
                self.model_.set_topic_labels({t: label for t, label in self.labels_.items() if t in self.model_.topic_sizes_})
        self.topic_info_ = self.describe(docs, x, topics)
        if self.model_ is not None:
            self.model_.representative_docs_ = {
                int(r.topic_id): list(r.representative_docs) for r in self.topic_info_.itertuples() if r.topic_id != OUTLIER_ID}
        self.over_time_ = None
        if timestamps is not None:
            from voc.nlp.topics.analytics import topics_over_time

            frame = pd.DataFrame({"topic_id": topics, "topic_label": [self.labels_.get(int(t), OUTLIER_LABEL) for t in topics],
                                  "created_at": pd.to_datetime(pd.Series(list(timestamps)), utc=True, errors="coerce")})
            self.over_time_ = topics_over_time(frame, self.config.time_bins)
        return self

    # ------------------------------------------------------------ transform
    def transform(self, docs: Sequence[str], embeddings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Topic id (int32, -1 = unassigned) and cosine similarity to that topic's centroid for each
        document, by nearest centroid; below ``config.outlier_threshold`` a document stays -1."""
        self._check_fitted()
        x = _as_matrix(embeddings, len(docs))
        if x.shape[0] == 0:
            return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)
        if self.topic_ids_.size == 0:
            return np.full(x.shape[0], OUTLIER_ID, dtype=np.int32), np.zeros(x.shape[0], dtype=np.float32)
        if x.shape[1] != self.centroids_.shape[1]:
            raise VocError(Errors.E231, path=getattr(self, "path_", "(in memory)"), fitted_dim=self.centroids_.shape[1],
                           fitted_model=self.embedding_model_ or "model not recorded", dim=x.shape[1])
        sims = x @ self.centroids_.T
        best = np.argmax(sims, axis=1)
        score = sims[np.arange(len(best)), best].astype(np.float32)
        ids = self.topic_ids_[best].astype(np.int32)
        ids[score < self.config.outlier_threshold] = OUTLIER_ID
        return ids, score

    def label_of(self, topic_ids: Sequence[int]) -> list[str]:
        self._check_fitted()
        return [self.labels_.get(int(t), OUTLIER_LABEL) for t in topic_ids]

    def describe(self, docs: Sequence[str], embeddings: np.ndarray, topic_ids: Sequence[int]) -> pd.DataFrame:
        """The topic info table for ``docs`` assigned to ``topic_ids``: topic_id, label, keywords,
        size (documents of ``docs`` in the topic) and representative_docs (closest to the centroid).
        Every topic of the model is listed (size 0 when absent); -1 is listed when it occurs."""
        x = _as_matrix(embeddings, len(docs))
        topics = np.asarray(topic_ids, dtype=np.int64)
        ids = self.topic_ids_.tolist()
        reps = representative_docs(docs, x, topics, ids, self.centroids_) if len(docs) else {t: [] for t in ids}
        rows = []
        for t in ids:
            rows.append((t, self.labels_[t], list(self.keywords_.get(t, [])), int(np.sum(topics == t)), reps.get(t, [])))
        n_out = int(np.sum(topics == OUTLIER_ID))
        if n_out:
            rows.append((OUTLIER_ID, OUTLIER_LABEL, [], n_out, []))
        out = pd.DataFrame(rows, columns=["topic_id", "label", "keywords", "size", "representative_docs"])
        out["topic_id"] = out["topic_id"].astype("int32")
        out["size"] = out["size"].astype("int64")
        return out

    # ---------------------------------------------------------- save / load
    def save(self, path: str | Path) -> Path:
        """Write the model to the folder ``path`` atomically: ``bertopic/`` (BERTopic safetensors
        serialization with c-TF-IDF; no embedding model inside) and ``voc_topics.json``."""
        self._check_fitted()
        path = Path(path)
        with atomic_dir(path, dataset="topic_model") as tmp:
            if self.model_ is not None:
                with _quiet():
                    self.model_.save(tmp / BERTOPIC_DIR, serialization="safetensors", save_ctfidf=True,
                                     save_embedding_model=False)
            np.save(tmp / "centroids.npy", self.centroids_, allow_pickle=False)
            (tmp / META_FILE).write_text(json.dumps(self._meta(), indent=2, ensure_ascii=False), encoding="utf-8")
        return path

    def _meta(self) -> dict[str, Any]:
        import bertopic

        return {
            "format": FORMAT, "version": FORMAT_VERSION, "bertopic_version": bertopic.__version__,
            "status": self.status_, "config": self.config.model_dump(mode="json"),
            "params": self.params_, "n_docs": self.n_docs_,
            "embedding_model": self.embedding_model_, "embedding_dim": self.embedding_dim_,
            "topic_ids": self.topic_ids_.tolist(),
            "labels": {str(k): v for k, v in self.labels_.items()},
            "keywords": {str(k): v for k, v in self.keywords_.items()},
            "sizes": {str(int(r.topic_id)): int(r.size) for r in self.topic_info_.itertuples()},
            "representative_docs": {str(int(r.topic_id)): list(r.representative_docs) for r in self.topic_info_.itertuples()},
            "outlier_share_before": self.outlier_share_before_, "outlier_share_after": self.outlier_share_after_,
            "notes": self.notes_,
            "merged": {str(k): int(v) for k, v in (getattr(self, "merged_", {}) or {}).items()},
            "labels_file": getattr(self, "labels_file_", None),
        }

    @classmethod
    def load(cls, path: str | Path, config: Optional[TopicsConfig] = None) -> "TopicModel":
        """Read a folder written by ``save``; never touches the network. ``config`` (optional)
        overrides the saved settings that apply to assignment (``outlier_threshold``)."""
        path = Path(path)
        meta_path = path / META_FILE
        if not path.is_dir():
            raise VocError(Errors.E230, path=str(path), detail="the folder does not exist")
        if not meta_path.is_file():
            raise VocError(Errors.E230, path=str(path), detail=f"{META_FILE} is missing")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise VocError(Errors.E230, path=str(path), detail=f"{META_FILE} is unreadable ({e})") from e
        if meta.get("format") != FORMAT:
            raise VocError(Errors.E230, path=str(path), detail=f"{META_FILE} has format {meta.get('format')!r}")
        if meta.get("version") != FORMAT_VERSION:
            raise VocError(Errors.E205, path=str(path), found=f"topic model format {meta.get('version')}",
                           expected=f"format {FORMAT_VERSION}")
        saved_cfg = TopicsConfig.model_validate({**meta.get("config", {}), "model": None})
        self = cls(config if config is not None else saved_cfg)
        self.path_ = str(path)
        self.status_ = "loaded" if meta["status"] != "unassigned" else "unassigned"
        self.params_ = meta.get("params", {})
        self.n_docs_ = int(meta.get("n_docs", 0))
        self.embedding_model_ = meta.get("embedding_model")
        self.embedding_dim_ = int(meta["embedding_dim"])
        self.topic_ids_ = np.asarray(meta["topic_ids"], dtype=np.int32)
        try:
            self.centroids_ = np.load(path / "centroids.npy", allow_pickle=False).astype(np.float32)
        except (OSError, ValueError) as e:
            raise VocError(Errors.E230, path=str(path), detail=f"centroids.npy is unreadable ({e})") from e
        if self.centroids_.shape != (len(self.topic_ids_), self.embedding_dim_):
            raise VocError(Errors.E230, path=str(path), detail=f"centroids.npy has shape {self.centroids_.shape}, "
                                                             f"expected {(len(self.topic_ids_), self.embedding_dim_)}")
        self.labels_ = {int(k): v for k, v in meta["labels"].items()}
        self.keywords_ = {int(k): list(v) for k, v in meta["keywords"].items()}
        reps = {int(k): list(v) for k, v in meta.get("representative_docs", {}).items()}
        sizes = {int(k): int(v) for k, v in meta.get("sizes", {}).items()}
        self.topic_info_ = pd.DataFrame(
            [(t, self.labels_[t], self.keywords_.get(t, []), sizes.get(t, 0), reps.get(t, [])) for t in sorted(sizes)],
            columns=["topic_id", "label", "keywords", "size", "representative_docs"]).astype({"topic_id": "int32",
                                                                                              "size": "int64"})
        self.outlier_share_before_ = meta.get("outlier_share_before")
        self.outlier_share_after_ = meta.get("outlier_share_after")
        self.notes_ = list(meta.get("notes", []))
        self.merged_ = merged_map(meta)
        self.labels_file_ = meta.get("labels_file")
        self.topics_ = None  # the fitted documents are not part of the saved model
        self.over_time_ = None
        self.model_ = None
        if (path / BERTOPIC_DIR).is_dir():
            from bertopic import BERTopic
            from bertopic.backend import BaseEmbedder

            try:
                with _quiet():
                    self.model_ = BERTopic.load(str(path / BERTOPIC_DIR), embedding_model=BaseEmbedder())
            except Exception as e:  # a damaged BERTopic folder: assignment still works from the centroids
                log.warning("BERTopic part of %s could not be loaded (%s); topic assignment uses the saved centroids", path, e)
                self.notes_.append(f"BERTopic part could not be loaded: {e}")
        return self

    def apply_labels(self, labels: Any) -> "TopicModel":
        """Rename / merge topics from a labels file path or ``TopicLabels`` (voc.nlp.topics.labels_file)."""
        return apply_labels(self, labels)

    # -------------------------------------------------------------- helpers
    @property
    def n_topics_(self) -> int:
        return int(self.topic_ids_.size)

    def _check_fitted(self) -> None:
        if not hasattr(self, "topic_ids_"):
            raise RuntimeError("TopicModel is not fitted: call fit() or TopicModel.load() first")
