"""NLP layer of voc: embeddings, intent, sentiment, topics and their evaluation helpers.

Each concept lives in its own sub-package (``voc.nlp.embed``, ``voc.nlp.intent``,
``voc.nlp.evaluation``, ...); nothing heavy (torch, sentence-transformers) is imported here,
so ``import voc.nlp`` stays cheap.
"""
