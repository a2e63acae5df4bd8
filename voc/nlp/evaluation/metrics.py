"""Classification metrics shared by every voc evaluation (intent, sentiment): one dict per report,
so a CLI can print it as a table or dump it as JSON."""
from __future__ import annotations

from collections import Counter
from typing import Any, Hashable, Optional, Sequence

import numpy as np
from sklearn.metrics import accuracy_score, precision_recall_fscore_support


def _as_list(y: Sequence[Any]) -> list[Any]:
    return [v.item() if hasattr(v, "item") else v for v in list(y)]


def classification_report(y_true: Sequence[Hashable], y_pred: Sequence[Hashable],
                          labels: Optional[Sequence[Hashable]] = None) -> dict[str, Any]:
    """Accuracy, macro/weighted P/R/F1 and per-class precision, recall, F1 and support.

    ``labels`` fixes the classes averaged over (default: every label seen in y_true or y_pred, sorted).
    A class never predicted has precision 0 (not NaN), as in scikit-learn with zero_division=0.
    """
    yt, yp = _as_list(y_true), _as_list(y_pred)
    if len(yt) != len(yp):
        raise ValueError(f"y_true has {len(yt)} items, y_pred {len(yp)}")
    if labels is None:
        labels = sorted(set(yt) | set(yp), key=str)
    labels = list(labels)
    n = len(yt)
    if n == 0:
        return {"n": 0, "labels": labels, "accuracy": float("nan"), "macro_precision": float("nan"),
                "macro_recall": float("nan"), "macro_f1": float("nan"), "weighted_f1": float("nan"), "per_class": {}}
    p, r, f, s = precision_recall_fscore_support(yt, yp, labels=labels, zero_division=0)
    _, _, wf, _ = precision_recall_fscore_support(yt, yp, labels=labels, average="weighted", zero_division=0)
    per_class = {lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
                 for i, lab in enumerate(labels)}
    return {
        "n": n,
        "labels": labels,
        "accuracy": float(accuracy_score(yt, yp)),
        "macro_precision": float(np.mean(p)),
        "macro_recall": float(np.mean(r)),
        "macro_f1": float(np.mean(f)),
        "weighted_f1": float(wf),
        "per_class": per_class,
    }


def confusion_pairs(y_true: Sequence[Hashable], y_pred: Sequence[Hashable], top: int = 10) -> list[tuple[Any, Any, int]]:
    """The most frequent (true, predicted, count) mistakes, most frequent first (ties by label text)."""
    c = Counter((t, p) for t, p in zip(_as_list(y_true), _as_list(y_pred)) if t != p)
    pairs = sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0][0]), str(kv[0][1])))
    return [(t, p, n) for (t, p), n in pairs[:top]]


def open_set_report(y_true: Sequence[Hashable], y_pred: Sequence[Hashable], *, unknown: Hashable = "unknown") -> dict[str, Any]:
    """Figures for a classifier that may answer ``unknown`` (out-of-scope detection, CLINC150-style).

    in_scope_accuracy: share of in-scope items given their exact label (an 'unknown' answer counts wrong);
    oos_recall: share of out-of-scope items (true label == unknown) answered 'unknown';
    oos_precision: share of 'unknown' answers that were out of scope; unknown_rate: share answered 'unknown'.
    """
    yt, yp = np.asarray(_as_list(y_true), dtype=object), np.asarray(_as_list(y_pred), dtype=object)
    ins, oos, said_unknown = yt != unknown, yt == unknown, yp == unknown

    def share(num: np.ndarray, den: np.ndarray) -> float:
        return float(num.sum() / den.sum()) if den.sum() else float("nan")

    return {
        "n_in_scope": int(ins.sum()),
        "n_oos": int(oos.sum()),
        "in_scope_accuracy": share(ins & (yt == yp), ins),
        "oos_recall": share(oos & said_unknown, oos),
        "oos_precision": share(oos & said_unknown, said_unknown),
        "unknown_rate": float(said_unknown.mean()) if len(yt) else float("nan"),
    }


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return "nan" if v != v else f"{v:.4f}"
    return str(v)


def format_report(report: dict[str, Any], *, max_classes: Optional[int] = None, sort_by: str = "label") -> str:
    """A plain-text table for the terminal: the summary lines, then one row per class.

    sort_by: 'label' (default), 'f1' (worst first) or 'support' (largest first). ``max_classes`` cuts the
    per-class table (the summary lines always cover every class).
    """
    lines = []
    summary = [("n", report.get("n")), ("accuracy", report.get("accuracy")),
               ("macro_precision", report.get("macro_precision")), ("macro_recall", report.get("macro_recall")),
               ("macro_f1", report.get("macro_f1")), ("weighted_f1", report.get("weighted_f1"))]
    for k in ("in_scope_accuracy", "oos_recall", "oos_precision", "threshold"):
        if k in report:
            summary.append((k, report[k]))
    width = max(len(k) for k, _ in summary)
    lines += [f"{k:<{width}}  {_fmt(v)}" for k, v in summary if v is not None]
    per = report.get("per_class") or {}
    if per:
        items = list(per.items())
        if sort_by == "f1":
            items.sort(key=lambda kv: (kv[1]["f1"], str(kv[0])))
        elif sort_by == "support":
            items.sort(key=lambda kv: (-kv[1]["support"], str(kv[0])))
        else:
            items.sort(key=lambda kv: str(kv[0]))
        shown = items if max_classes is None else items[:max_classes]
        lw = max(5, *(len(str(k)) for k, _ in shown))
        lines.append("")
        lines.append(f"{'label':<{lw}}  {'precision':>9}  {'recall':>9}  {'f1':>9}  {'support':>7}")
        lines.append("-" * (lw + 43))
        for lab, m in shown:
            lines.append(f"{str(lab):<{lw}}  {m['precision']:>9.4f}  {m['recall']:>9.4f}  {m['f1']:>9.4f}  {m['support']:>7d}")
        if len(shown) < len(items):
            lines.append(f"... {len(items) - len(shown)} more classes (use --json for all)")
    pairs = report.get("confusion_pairs")
    if pairs:
        lines.append("")
        lines.append("most frequent confusions (true -> predicted: count)")
        for t, p, c in pairs:
            lines.append(f"  {t} -> {p}: {c}")
    return "\n".join(lines)
