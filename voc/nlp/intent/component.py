"""Pipeline step "intent": adds contacts columns ``intent`` and ``intent_confidence``."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from voc import registry
from voc.component import Batch, Component
from voc.config import EmbedConfig, IntentConfig
from voc.nlp.intent.precision import precision_warning
from voc.schema import customer_text


def build_classifier(config: IntentConfig, embed: Optional[EmbedConfig] = None):
    """The classifier an IntentConfig asks for: the trained artifact, else the zero-shot taxonomy."""
    if config.model:
        from voc.nlp.intent.classifier import IntentClassifier

        return IntentClassifier.load(config.model, embed=embed)
    from voc.nlp.intent.taxonomy import load_taxonomy
    from voc.nlp.intent.zero_shot import ZeroShotIntentClassifier

    return ZeroShotIntentClassifier(load_taxonomy(config.taxonomy), embed=embed).fit()


@registry.components.register("intent")
class IntentComponent(Component):
    """Uses ``batch.embeddings`` when the embed step ran with the classifier's encoder; otherwise encodes.

    ``embed`` (the pipeline's embed section) sets device, batch size, cache and max_chars.
    """

    name = "intent"

    def __init__(self, config: IntentConfig, embed: Optional[EmbedConfig] = None) -> None:
        self.config = config
        self.embed = embed

    @property
    def classifier_(self):
        if "_clf" not in self.__dict__:
            self._clf = build_classifier(self.config, self.embed)
        return self._clf

    def load(self) -> None:
        self.classifier_

    def __call__(self, batch: Batch) -> Batch:
        clf = self.classifier_
        contacts = batch.contacts.copy()
        if len(contacts) == 0:
            contacts["intent"] = np.asarray([], dtype=object)
            contacts["intent_confidence"] = np.asarray([], dtype=np.float64)
            batch.contacts = contacts
            return batch
        max_chars = (self.embed or EmbedConfig()).max_chars
        texts = customer_text(batch.messages, batch.contacts, max_chars=max_chars).tolist()
        emb = None
        model_id = getattr(clf, "model_id_", None)
        if (batch.embeddings is not None and len(batch.embeddings) == len(contacts)
                and batch.extras.get("embedding_model") == model_id):
            emb = batch.embeddings
        self._reused = emb is not None
        labels, conf = clf.predict(texts, embeddings=emb, threshold=self.config.threshold)
        contacts["intent"] = np.asarray(labels, dtype=object)
        contacts["intent_confidence"] = np.asarray(conf, dtype=np.float64)
        batch.contacts = contacts
        return batch

    def _precisions(self) -> Optional[tuple[Optional[str], str]]:
        """(trained, used): the encoder precision a trained model's vectors were made in (None: not recorded by
        the artifact) and the one this run encodes in; None for the zero-shot taxonomy (its examples are encoded
        in the run's own precision)."""
        clf = self.classifier_
        if not hasattr(clf, "embed_precision_"):
            return None
        return clf.embed_precision_, clf.embedder().precision

    def info(self) -> dict[str, Any]:
        out = {"name": self.name, **self.classifier_.info()}
        if self.config.threshold is not None:
            out["threshold"] = self.config.threshold
        pair = self._precisions()
        if pair is not None:
            out["embed_precision"] = pair[0] or "not recorded (an older artifact)"
            out["run_precision"] = pair[1]
        out["reused_embeddings"] = self.__dict__.get("_reused")
        return out

    def warnings(self) -> list[dict[str, Any]]:
        pair = self._precisions()
        if pair is None:
            return []
        w = precision_warning(str(self.config.model), pair[0], pair[1], (self.embed or EmbedConfig()).precision)
        return [w] if w else []
