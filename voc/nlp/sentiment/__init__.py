"""Sentiment: per-message scores and labels (backends ``vader``, ``trained``, ``transformers``,
``auto``), contact-level aggregation and trajectory, the "sentiment" pipeline component.

Importing this package registers the backends in ``voc.registry.sentiment_backends`` and the
component in ``voc.registry.components``; torch/transformers/sentence-transformers load lazily.
"""
from voc.nlp.sentiment.auto import AutoBackend, make_backend
from voc.nlp.sentiment.base import LABELS, SentimentBackend, SentimentResult, labels_from_scores
from voc.nlp.sentiment.component import SentimentComponent
from voc.nlp.sentiment.hf import TransformersBackend
from voc.nlp.sentiment.trained import SHIPPED_MODEL, TrainedBackend
from voc.nlp.sentiment.trajectory import contact_sentiment
from voc.nlp.sentiment.vader import VaderBackend

__all__ = ["LABELS", "SentimentBackend", "SentimentResult", "labels_from_scores", "VaderBackend", "TrainedBackend",
           "SHIPPED_MODEL", "TransformersBackend", "AutoBackend", "make_backend", "contact_sentiment", "SentimentComponent"]
