"""Generic evaluation helpers (metrics, confusion pairs, terminal tables, k-fold CV) for any classifier."""
from voc.nlp.evaluation.cv import cross_validate
from voc.nlp.evaluation.metrics import classification_report, confusion_pairs, format_report, open_set_report

__all__ = ["classification_report", "confusion_pairs", "format_report", "open_set_report", "cross_validate"]
