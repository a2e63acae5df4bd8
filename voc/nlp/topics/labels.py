"""Readable topic labels from c-TF-IDF keywords: ``['refund', 'charged', 'charged twice', 'twice']``
becomes ``'refund · charged twice'`` — a keyword whose words are all already shown adds nothing,
and a phrase that contains earlier single words replaces them."""
from __future__ import annotations

from typing import Iterable, Mapping, Sequence

from voc.nlp.topics.vocabulary import is_clean_keyword

OUTLIER_ID = -1
OUTLIER_LABEL = "unassigned"
SEPARATOR = " · "


def _stem(word: str) -> str:
    """A plural's singular, crudely ("payments" -> "payment", "fees" -> "fee"; "pass" stays)."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def label_from_keywords(keywords: Sequence[str], n_words: int = 3) -> str:
    """Up to ``n_words`` non-redundant keywords joined with ' · ' (most important first).

    A phrase made only of keywords already picked replaces them ("charged", "twice" +
    "charged twice" -> "charged twice"); a phrase repeating one picked word next to a new one
    ("cancel" + "cancel plan") is skipped, as is any keyword holding a stop word.
    """
    picked: list[str] = []
    for kw in keywords:
        kw = " ".join(kw.split())
        if not kw or kw in picked or not is_clean_keyword(kw):
            continue
        words = kw.split()
        singles = [p for p in picked if " " not in p]
        covered = {_stem(w) for p in picked for w in p.split()}
        if len(words) > 1 and set(words) <= set(singles):
            pos = min(picked.index(w) for w in words)
            rest = [p for p in picked if p not in words]
            rest.insert(min(pos, len(rest)), kw)
            picked = rest
            continue
        if {_stem(w) for w in words} & covered:  # "payments" adds nothing next to "card payment"
            continue
        if len(picked) >= n_words:
            break
        picked.append(kw)
    return SEPARATOR.join(picked[:n_words])


def unique_labels(keywords_by_topic: Mapping[int, Sequence[str]], n_words: int = 3) -> dict[int, str]:
    """A label per topic id, distinct across topics (a clash takes one more keyword, then the id)."""
    labels: dict[int, str] = {}
    seen: set[str] = set()
    for topic in sorted(keywords_by_topic):
        if topic == OUTLIER_ID:
            labels[topic] = OUTLIER_LABEL
            continue
        kws = list(keywords_by_topic[topic])
        label = label_from_keywords(kws, n_words) or f"topic {topic}"
        if label in seen:
            label = label_from_keywords(kws, n_words + 1)
        if label in seen or not label:
            label = f"{label or 'topic'} ({topic})"
        seen.add(label)
        labels[topic] = label
    return labels


def clean_keywords(words: Iterable[str], limit: int = 10) -> list[str]:
    return [w for w in words if w and is_clean_keyword(w)][:limit]
