"""Labelled sentiment data: a TweetEval folder or a CSV with a text and a label column.

Labels are normalised to 'negative' | 'neutral' | 'positive': TweetEval's 0/1/2, the words
themselves (any case), common abbreviations (neg/neu/pos) and -1/0/1 are accepted.
"""
from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from voc.errors import Errors, VocError
from voc.nlp.sentiment.base import LABELS

_LABEL_ALIASES = {
    "negative": "negative", "neg": "negative", "-1": "negative",
    "neutral": "neutral", "neu": "neutral",
    "positive": "positive", "pos": "positive", "+1": "positive",
}
_TWEETEVAL_IDS = {"0": "negative", "1": "neutral", "2": "positive"}
_SPLITS = ("val", "train", "test")


@dataclass
class SentimentData:
    texts: list[str]
    labels: list[str]
    source: str          # what was read, e.g. "tweeteval_sentiment/val_text.txt + val_labels.txt"

    def __len__(self) -> int:
        return len(self.texts)

    def fingerprint(self) -> str:
        return data_fingerprint(self.texts, self.labels)


def text_hash(text: str) -> str:
    """Short hash of a text, whitespace-normalised and case-folded (to recognise training texts)."""
    norm = " ".join(str(text).split()).casefold()
    return hashlib.sha256(norm.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def data_fingerprint(texts: list[str], labels: list[str]) -> str:
    h = hashlib.sha256()
    for t, y in zip(texts, labels):
        h.update(t.encode("utf-8", "surrogatepass") + b"\x00" + y.encode() + b"\x01")
    return h.hexdigest()


def _norm_label(raw: str, *, tweeteval: bool, path: Path, where: str) -> str:
    v = raw.strip()
    if tweeteval and v in _TWEETEVAL_IDS:
        return _TWEETEVAL_IDS[v]
    lab = _LABEL_ALIASES.get(v.lower())
    if lab is None and v in ("0", "1", "2"):
        lab = _TWEETEVAL_IDS[v]
    if lab is None:
        raise VocError(Errors.E206, path=str(path),
                       detail=f"{where}: label {raw!r} is not one of {', '.join(LABELS)} (or 0/1/2 as in TweetEval)")
    return lab


def _read_lines(p: Path) -> list[str]:
    return p.read_text(encoding="utf-8").splitlines()


def _tweeteval(folder: Path, split: Optional[str]) -> SentimentData:
    splits = [split] if split else [s for s in _SPLITS if (folder / f"{s}_text.txt").is_file()]
    texts: list[str] = []
    labels: list[str] = []
    used = []
    for s in splits:
        tp, lp = folder / f"{s}_text.txt", folder / f"{s}_labels.txt"
        if not tp.is_file() or not lp.is_file():
            raise VocError(Errors.E206, path=str(folder), detail=f"split '{s}' needs {tp.name} and {lp.name}")
        t, y = _read_lines(tp), _read_lines(lp)
        if len(t) != len(y):
            raise VocError(Errors.E206, path=str(folder),
                           detail=f"{tp.name} has {len(t)} lines but {lp.name} has {len(y)}")
        texts += [x.strip() for x in t]
        labels += [_norm_label(v, tweeteval=True, path=lp, where=f"line {i + 1}") for i, v in enumerate(y)]
        used.append(f"{tp.name} + {lp.name}")
        if split is None:
            break  # the first split present (val), never train and test mixed silently
    return SentimentData(texts, labels, f"{folder.name}/{', '.join(used)}")


def _csv(path: Path, text_col: Optional[str], label_col: Optional[str]) -> SentimentData:
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f, delimiter="\t" if path.suffix.lower() == ".tsv" else ","))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise VocError(Errors.E206, path=str(path), detail=f"{type(e).__name__}: {e}") from None
    present = list(rows[0].keys()) if rows else []
    low = {c.lower().strip(): c for c in present if c is not None}
    tc = text_col or next((low[c] for c in ("text", "tweet", "sentence", "message", "review") if c in low), None)
    lc = label_col or next((low[c] for c in ("label", "sentiment", "polarity", "class") if c in low), None)
    if tc not in present or lc not in present:
        raise VocError(Errors.E203, path=str(path), needed="text, label", present=", ".join(map(str, present)) or "none")
    texts, labels = [], []
    for i, r in enumerate(rows):
        labels.append(_norm_label(str(r[lc] or ""), tweeteval=False, path=path, where=f"line {i + 2}"))
        texts.append(str(r[tc] or "").strip())
    return SentimentData(texts, labels, path.name)


def load_sentiment_data(path: str | Path, *, split: Optional[str] = None, text_col: Optional[str] = None,
                        label_col: Optional[str] = None) -> SentimentData:
    """Read a TweetEval folder (val_/train_/test_ text+labels files; the first split present unless
    ``split`` names one) or a CSV with text,label columns."""
    p = Path(path).expanduser()
    if not p.exists():
        raise VocError(Errors.E001, path=str(p))
    if p.is_dir():
        if not any((p / f"{s}_text.txt").is_file() for s in _SPLITS):
            raise VocError(Errors.E206, path=str(p), detail="no val_text.txt, train_text.txt or test_text.txt in the folder")
        data = _tweeteval(p, split)
    elif p.suffix.lower() in (".csv", ".tsv"):
        data = _csv(p, text_col, label_col)
    else:
        raise VocError(Errors.E206, path=str(p), detail=f"'{p.suffix}' files are not read; give a CSV or a TweetEval folder")
    if not data.texts:
        raise VocError(Errors.E204, path=str(p), detail="no rows", min_per_class=10)
    return data
