"""Time-ordered split: train on the journeys that started earlier, test on the latest ones.

The journeys are ordered by start time (ties by journey_id) and the last ``test_share`` of them
form the test split, so the model is judged on journeys that began after every training
journey, as it will be used. One boundary for all targets and cuts: a journey is in the same
split everywhere."""
from __future__ import annotations

import numpy as np
import pandas as pd


def time_split(starts: pd.Series, test_share: float) -> pd.Series:
    """'train' / 'test' per journey (index of ``starts``: journey_id; values: start timestamps)."""
    if not 0 < test_share < 1:
        raise ValueError(f"test_share must be in (0, 1), got {test_share}")
    order = pd.DataFrame({"start": pd.to_datetime(starts, utc=True), "jid": starts.index.astype(str)}, index=starts.index)
    order = order.sort_values(["start", "jid"], kind="stable")
    n = len(order)
    n_test = int(np.ceil(n * test_share)) if n else 0
    split = pd.Series("train", index=order.index, dtype=object)
    if n_test:
        split.iloc[n - n_test:] = "test"
    return split.reindex(starts.index)


def boundary(starts: pd.Series, split: pd.Series) -> pd.Timestamp | None:
    """The first start time of the test split."""
    s = pd.to_datetime(starts[split == "test"], utc=True)
    return s.min() if len(s) else None
