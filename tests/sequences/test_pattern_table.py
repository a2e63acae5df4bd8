"""The pattern table assembly both engines call (voc.sequences.pattern_table) and the timeline queries
they share (voc.sequences.timeline_queries, voc.sequences.timeline_checks): pure functions, checked
on hand-made counts."""
from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest

from voc.errors import VocError
from voc.sequences import pattern_table
from voc.sequences.notices import SequenceWarning
from voc.sequences.pattern_table import ranked, scored
from voc.sequences.tables import COLUMNS
from voc.sequences.timeline_checks import check_columns, report_excluded
from voc.sequences.timeline_queries import TimelineQueries, contact_intents_table


def found() -> pd.DataFrame:
    return pd.DataFrame({"pattern": ["b", "a > b", "a", "c", "b > c"], "length": [1, 2, 1, 1, 2],
                         "count": [5, 5, 5, 2, 5], "count_with_outcome": [1, 2, 3, 4, 5]})


def test_ranked_orders_by_count_then_length_then_pattern_and_caps():
    df = ranked(found(), n=10, cap=None)
    assert df["pattern"].tolist() == ["a", "b", "a > b", "b > c", "c"]
    assert df["count_with_outcome"].tolist() == [3, 1, 2, 5, 4]          # aligned columns travel along
    assert df["support"].tolist() == [0.5, 0.5, 0.5, 0.5, 0.2]
    assert ranked(found(), n=10, cap=3)["pattern"].tolist() == ["a", "b", "a > b"]
    assert list(ranked(found(), n=10, cap=3).index) == [0, 1, 2]


def test_scored_whole_journeys_have_no_scores():
    df = scored(ranked(found(), 10, None), None, 10, 0, 5)
    assert list(df.columns) == list(COLUMNS["patterns"])
    assert df["outcome"].isna().all() and df["count_with_outcome"].isna().all()
    assert df[list(pattern_table.SCORE_COLUMNS)].isna().all().all()


def test_scored_outcome_confidence_and_lift_and_too_few_journeys():
    df = scored(ranked(found(), 10, None), "conv", 10, 6, 5)
    assert (df["outcome"] == "conv").all()
    row = df.set_index("pattern").loc["b > c"]
    assert row["confidence"] == pytest.approx(5 / 5) and row["lift"] == pytest.approx(1.0 / 0.6)
    assert np.isnan(df.set_index("pattern").loc["c", "confidence"])        # count 2 < min_journeys 5
    with pytest.warns(SequenceWarning, match="E323"):
        scored(ranked(found(), 10, None), "rare", 10, 2, 5)


def test_both_engines_assemble_patterns_with_the_one_implementation():
    """The Spark module holds no sort / cap / score code of its own: it calls pattern_table."""
    import importlib

    for module in (importlib.import_module("voc.engines.spark.sequences"), importlib.import_module("voc.sequences.patterns")):
        src = inspect.getsource(module)
        assert "ranked(" in src and "scored(" in src and "assemble(" in src, module.__name__
        assert "sort_values" not in src and "pattern_scores" not in src and "check_support" not in src, module.__name__


def test_contact_intents_one_order_for_both_engines():
    rows = pd.DataFrame({"intent": ["refund", "billing", "cancel"], "journeys": [3, 7, 3]})
    assert contact_intents_table(rows).values.tolist() == [["billing", 7], ["cancel", 3], ["refund", 3]]

    class Fake(TimelineQueries):
        view = "v"

        def __init__(self) -> None:
            self._cache, self.asked = {}, []

        def frame(self, sql: str) -> pd.DataFrame:
            self.asked.append(sql)
            return pd.DataFrame({"n": [4]}) if "AS n" in sql else rows

    tl = Fake()
    assert tl.n_journeys() == 4 and tl.n_journeys() == 4
    assert tl.contact_intents()["intent"].tolist() == ["billing", "cancel", "refund"]
    tl.contact_intents()
    assert len(tl.asked) == 2                                             # cached


def test_timeline_checks():
    with pytest.raises(VocError) as e:
        check_columns(["journey_id", "event"])
    assert e.value.code == "E320" and "ts" in str(e.value)
    check_columns(["journey_id", "ts", "event", "seq"])
    with pytest.warns(SequenceWarning, match="E321"):
        report_excluded(10, 3)
