"""Backend "trained": the project's own classifier (see ``train.py``) on sentence embeddings + VADER.

By default it loads the weights shipped in the package (``models/tweeteval_lr.json``, trained on the
public TweetEval sentiment validation set plus distant complaint labels from Banking77's problem-report
intents, see ``distant.py``); ``SentimentConfig.model`` points to another artifact
written by ``voc sentiment train``. score = P(positive) - P(negative); label = the most probable class.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np

from voc import registry
from voc.config import EmbedConfig, SentimentConfig
from voc.errors import Errors, VocError
from voc.nlp.sentiment.base import SentimentBackend, SentimentResult, clean_texts, labels_from_proba, score_from_proba
from voc.nlp.sentiment.linear import load_artifact

SHIPPED_MODEL = Path(__file__).with_name("models") / "tweeteval_lr.json"
# the same model trained on the int8 encoder's vectors (`voc sentiment train ... --precision int8`): used when
# the pipeline embeds in int8, so messages are encoded once and the classifier sees the vectors it learned on
SHIPPED_MODEL_INT8 = Path(__file__).with_name("models") / "tweeteval_lr_int8.json"


@registry.sentiment_backends.register("trained")
class TrainedBackend(SentimentBackend):
    """``embed``: the pipeline's embedding settings (device, batch size, cache); used as they are when
    they name the artifact's sentence encoder, otherwise only their device/batch/cache are kept and the
    artifact's encoder is loaded (a classifier is only valid on the embeddings it was trained on)."""

    name = "trained"

    def __init__(self, config: SentimentConfig, embed: Optional[EmbedConfig] = None) -> None:
        super().__init__(config)
        self.embed = embed

    @property
    def artifact_path(self) -> Path:
        if self.config.model:
            return Path(self.config.model).expanduser()
        from voc.nlp.embed.resolve import resolve_device, resolve_precision

        base = self.embed or EmbedConfig()
        if resolve_precision(base.precision, resolve_device(base.device)) == "int8" and SHIPPED_MODEL_INT8.is_file():
            return SHIPPED_MODEL_INT8
        return SHIPPED_MODEL

    @property
    def artifact_(self) -> dict[str, Any]:
        if "_artifact" not in self.__dict__:
            self._artifact = load_artifact(self.artifact_path)
        return self._artifact

    @property
    def featurizer_(self):
        if "_featurizer" not in self.__dict__:
            from voc.nlp.sentiment.features import SentimentFeaturizer

            spec = self.artifact_["features"]
            base = self.embed or EmbedConfig()
            cfg = base if base.model == spec["embed_model"] else base.model_copy(update={"model": spec["embed_model"]})
            cfg = cfg.model_copy(update={"normalize": bool(spec.get("normalize", True)),
                                         "max_chars": int(spec.get("max_chars", cfg.max_chars)),
                                         })
            # the vectors the classifier learned on (artifacts before 0.2: fp32); the pipeline's own settings are
            # kept when they resolve to that precision, so its embedder (and the message vectors) is shared
            from voc.nlp.embed.resolve import resolve_device, resolve_precision

            want = spec.get("embedding_precision", "fp32")
            if resolve_precision(cfg.precision, resolve_device(cfg.device)) != want:
                cfg = cfg.model_copy(update={"precision": want})
            feat = SentimentFeaturizer(cfg)
            emb = feat.embedder
            if emb.model_id != spec["embedding_model"] or int(emb.dim) != int(spec["embedding_dim"]):
                raise VocError(Errors.E202, name=str(self.artifact_path),
                               detail=f"it was trained on {spec['embedding_model']} ({spec['embedding_dim']}-dim) embeddings "
                                      f"but {emb.model_id} ({emb.dim}-dim) is loaded; retrain it with `voc sentiment train`")
            self._featurizer = feat
        return self._featurizer

    def analyze(self, texts: Sequence[str]) -> SentimentResult:
        texts = clean_texts(texts)
        if not texts:
            return SentimentResult(np.zeros(0), [], np.zeros((0, 3)))
        X = self.featurizer_.transform(texts)
        proba = self.artifact_["model"].predict_proba(X)
        empty = np.array([not t.strip() for t in texts])
        if empty.any():  # no text, no opinion: neutral with certainty rather than the bias of the intercept
            proba[empty] = [0.0, 1.0, 0.0]
        return SentimentResult(scores=score_from_proba(proba), labels=labels_from_proba(proba), proba=proba)

    def info(self) -> dict[str, Any]:
        a = self.artifact_
        return {"backend": self.name, "model": str(self.artifact_path),
                "shipped": self.artifact_path in (SHIPPED_MODEL, SHIPPED_MODEL_INT8),
                "embedding_precision": a["features"].get("embedding_precision", "fp32"),
                "embedding_model": a["features"]["embedding_model"], "C": a["weights"]["C"],
                "class_bias": a["weights"].get("class_bias"), "negative_recall_floor": a["weights"].get("negative_recall_floor"),
                "trained_on": {k: ([{f: x for f, x in d.items() if f not in ("fingerprint", "text_hashes")} for d in v]
                                   if k == "distant" else v)
                               for k, v in a["trained_on"].items() if k != "fingerprint"},
                "measured": a.get("cv")}
