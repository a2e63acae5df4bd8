"""Reading labelled intent data: a CSV (text + label/category/intent column) or a CLINC150 JSON."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pandas as pd

from voc.errors import Errors, VocError

LABEL_COLUMNS = ("label", "category", "intent")
TEXT_COLUMNS = ("text", "utterance", "query", "message")
CLINC_KEYS = ("train", "val")


@dataclass
class Labeled:
    texts: list[str]
    labels: list[str]
    path: str
    skipped: list[str] = field(default_factory=list)   # "line N: reason" for rows left out


def _pick(columns: list[str], wanted: Optional[str], candidates: tuple[str, ...]) -> Optional[str]:
    if wanted:
        return wanted if wanted in columns else None
    lower = {c.lower(): c for c in columns}
    return next((lower[c] for c in candidates if c in lower), None)


def read_csv(path: str | Path, *, text_col: Optional[str] = None, label_col: Optional[str] = None) -> Labeled:
    """Rows with an empty text or label are left out and listed in ``skipped`` with their line number."""
    p = Path(path)
    if not p.is_file():
        raise VocError(Errors.E001, path=str(p))
    try:
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError) as e:
        raise VocError(Errors.E206, path=str(p), detail=f"not a readable CSV ({str(e).splitlines()[0]})") from None
    cols = [str(c) for c in df.columns]
    tc = _pick(cols, text_col, TEXT_COLUMNS)
    lc = _pick(cols, label_col, LABEL_COLUMNS)
    if tc is None or lc is None:
        needed = f"{text_col or 'text'} and {label_col or '|'.join(LABEL_COLUMNS)}"
        raise VocError(Errors.E203, path=str(p), needed=needed, present=", ".join(cols) or "none")
    texts, labels, skipped = [], [], []
    for i, (t, lab) in enumerate(zip(df[tc].tolist(), df[lc].tolist()), start=2):  # line 1 is the header
        t, lab = (t or "").strip(), (lab or "").strip()
        if not t or not lab:
            skipped.append(f"line {i}: empty {'text' if not t else 'label'}")
            continue
        texts.append(t)
        labels.append(lab)
    return Labeled(texts, labels, str(p), skipped)


def read_clinc(path: str | Path) -> dict[str, Labeled]:
    """A CLINC150 JSON: {split: [[text, label], ...]} with train/val and optional oos_train/oos_val."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise VocError(Errors.E206, path=str(p), detail=f"not readable JSON ({e})") from None
    if not isinstance(data, dict) or not all(k in data for k in CLINC_KEYS):
        raise VocError(Errors.E206, path=str(p), detail=f"a CLINC150 JSON needs keys {list(CLINC_KEYS)}")
    out = {}
    for split, rows in data.items():
        if not isinstance(rows, list):
            continue
        texts, labels, skipped = [], [], []
        for i, r in enumerate(rows):
            if isinstance(r, (list, tuple)) and len(r) == 2 and str(r[0]).strip() and str(r[1]).strip():
                texts.append(str(r[0]).strip())
                labels.append(str(r[1]).strip())
            else:
                skipped.append(f"{split}[{i}]: not a [text, label] pair")
        out[split] = Labeled(texts, labels, f"{p}:{split}", skipped)
    return out


def is_clinc(path: str | Path) -> bool:
    return Path(path).suffix.lower() == ".json"
