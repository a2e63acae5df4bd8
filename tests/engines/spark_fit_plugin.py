"""Two corpus-level steps of a user's own (registered by importing this module): the second is fitted on what
the first adds, so an engine must fit each in turn on the output of the steps before it. Shipped to the
Spark executors with SparkContext.addPyFile by tests/engines/test_spark.py."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from voc import registry
from voc.component import Batch, Component


class FitCount(Component):
    name = "fit_count"
    needs_fit = True

    def __init__(self, config=None) -> None:
        pass

    def fit(self, corpus: Batch) -> "FitCount":
        self.n_ = len(corpus)
        return self

    def __call__(self, batch: Batch) -> Batch:
        contacts = batch.contacts.copy()
        contacts["fit_count"] = np.int64(self.n_)
        return replace(batch, contacts=contacts)


class FitSum(Component):
    name = "fit_sum"
    needs_fit = True

    def __init__(self, config=None) -> None:
        pass

    def fit(self, corpus: Batch) -> "FitSum":
        self.total_ = int(corpus.contacts["fit_count"].astype("int64").sum())
        return self

    def __call__(self, batch: Batch) -> Batch:
        contacts = batch.contacts.copy()
        contacts["fit_sum"] = np.int64(self.total_)
        return replace(batch, contacts=contacts)


for _cls in (FitCount, FitSum):
    if _cls.name not in registry.components:
        registry.components.register(_cls.name)(_cls)
