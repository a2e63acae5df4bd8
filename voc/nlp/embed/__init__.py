"""Sentence embeddings: ``Embedder`` (cached, batched, offline) and the "embed" pipeline component."""
from voc.nlp.embed.cache import EmbeddingCache, text_key
from voc.nlp.embed.component import EmbedComponent
from voc.nlp.embed.embedder import Embedder, get_embedder
from voc.nlp.embed.resolve import DEFAULT_MODEL, model_id_for, resolve_device, resolve_model_path

__all__ = ["Embedder", "get_embedder", "EmbedComponent", "EmbeddingCache", "text_key", "DEFAULT_MODEL",
           "model_id_for", "resolve_device", "resolve_model_path"]
