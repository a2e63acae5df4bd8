"""The pipeline component contract (spaCy-style): a named step behind ``voc.registry.components``,
built from its config section, streaming batches through ``pipe``.

    @registry.components.register("sentiment")
    class SentimentComponent(Component):
        name = "sentiment"
        def __init__(self, config: SentimentConfig): self.config = config   # store only
        def __call__(self, batch: Batch) -> Batch: ...                     # add columns

Corpus-level steps (topics) override ``fit`` (learned state in attributes ending in ``_``)
and set ``needs_fit = True``: every engine then fits them on the corpus before piping. A step that
fits on a sample says which rows in ``fit_sample`` (an engine that holds the corpus elsewhere, Spark,
then brings only those rows to the fit); ``fit`` on those rows alone must learn the same state.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Iterable, Iterator, Optional

import numpy as np
import pandas as pd


@dataclass
class Batch:
    """A slice of the corpus: contacts and their messages, plus arrays aligned with ``contacts`` rows."""

    contacts: pd.DataFrame
    messages: pd.DataFrame
    embeddings: Optional[np.ndarray] = None   # one row per contact, customer-side text
    extras: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.contacts)


class Component:
    name: ClassVar[str] = ""
    needs_fit: ClassVar[bool] = False
    # A step that counts its own progress (e.g. texts inside one large embedding call) sets this and
    # calls ``self.progress_(n)`` with the number of contacts done; the pipeline then does not count it.
    reports_progress: ClassVar[bool] = False
    progress_: Optional[Callable[[int], None]] = None

    def load(self) -> None:
        """Load models now rather than on the first batch, so the pipeline can show '<step>: loading
        model' with a spinner. Steps without a model keep this no-op."""

    def fit(self, corpus: Batch) -> "Component":
        return self

    def fit_sample(self, n: int) -> Optional[np.ndarray]:
        """The sorted positions of the rows ``fit`` learns from in a corpus of ``n`` contacts (in the
        corpus' order); None: every row."""
        return None

    def __call__(self, batch: Batch) -> Batch:
        raise NotImplementedError

    def pipe(self, batches: Iterable[Batch]) -> Iterator[Batch]:
        for b in batches:
            yield self(b)

    def info(self) -> dict[str, Any]:
        """What this step used (model name, version, thresholds) for run.json."""
        return {}

    def warnings(self) -> list[dict[str, Any]]:
        """What the user must know about how this step ran, as run warnings ({code, level, message, fix, source},
        e.g. ``Errors.E209.warning("intent", ...)``): run.json "warnings", the report and the end-of-run terminal
        summary show them."""
        return []
