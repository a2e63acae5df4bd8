"""Pure topic analytics and keyword vocabulary: no model needed."""
from __future__ import annotations

import pandas as pd
import pytest

from voc.config import TopicsConfig
from voc.nlp.topics.analytics import flatten_lists, topic_crosstab, topic_share, topic_table, topics_over_time
from voc.nlp.topics.labels import OUTLIER_LABEL, label_from_keywords, unique_labels
from voc.nlp.topics.sizing import MIN_DOCS, effective_params
from voc.nlp.topics.vocabulary import STOP_WORDS, KeywordAnalyzer, analyze, strip_placeholders


def _contacts() -> pd.DataFrame:
    return pd.DataFrame({
        "contact_id": [f"c{i}" for i in range(8)],
        "topic_id": [0, 0, 1, 1, 1, -1, 0, 1],
        "topic_label": ["refund", "refund", "login", "login", "login", OUTLIER_LABEL, "refund", "login"],
        "intent": ["billing", "billing", "account", None, "account", "other", "billing", "account"],
        "channel": ["chat", "email", "chat", "chat", "call", "chat", "chat", "email"],
        "created_at": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-05", "2024-01-10",
                                      "2024-01-10", None, "2024-01-03", "2024-01-09"], utc=True),
    })


def test_topics_over_time_counts_every_contact_including_undated():
    c = _contacts()
    out = topics_over_time(c, bins=3)
    assert list(out.columns) == ["topic_id", "label", "bin_start", "count"]
    assert out["count"].sum() == len(c)
    # one undated contact (topic -1) gets a row with a null bin
    undated = out[out["bin_start"].isna()]
    assert undated[["topic_id", "count"]].values.tolist() == [[-1, 1]]
    # full grid: 3 topics x 3 bins for the dated contacts
    assert len(out[out["bin_start"].notna()]) == 3 * 3
    # the first third of Jan 1 .. Jan 10 (3 days) holds the contacts of Jan 1, 2 and 3: all refund
    first = out[out["bin_start"] == out["bin_start"].min()].set_index("topic_id")["count"]
    assert first[0] == 3 and first[1] == 0
    # the last timestamp falls in the last bin, not outside it
    last = out[out["bin_start"] == out["bin_start"].max()].set_index("topic_id")["count"]
    assert last[1] == 3


def test_topics_over_time_single_timestamp_and_empty():
    c = _contacts().assign(created_at=pd.Timestamp("2024-02-01", tz="UTC"))
    out = topics_over_time(c, bins=5)
    assert out["count"].sum() == len(c) and out["bin_start"].nunique() == 1
    empty = topics_over_time(c.iloc[:0], bins=5)
    assert list(empty.columns) == ["topic_id", "label", "bin_start", "count"] and len(empty) == 0


def test_topic_share_sums_to_one_per_group_and_counts_missing_group():
    c = _contacts()
    out = topic_share(c, "intent")
    sums = out.groupby("intent")["share"].sum()
    assert sums.round(9).eq(1.0).all()
    assert out["count"].sum() == len(c)
    assert "(none)" in set(out["intent"])  # the contact without an intent is counted, not dropped
    billing = out[out["intent"] == "billing"]
    assert billing[["topic_id", "count"]].values.tolist() == [[0, 3]]
    wide = topic_crosstab(c, "channel")
    assert set(wide.columns) == {"chat", "email", "call"}
    assert wide.sum().round(9).eq(1.0).all()


def test_topic_table_sizes_come_from_contacts():
    c = _contacts()
    info = pd.DataFrame({"topic_id": [0, 1, 2], "label": ["refund", "login", "delivery"],
                         "keywords": [["refund"], ["login"], ["delivery"]], "size": [99, 99, 99],
                         "representative_docs": [["a"], ["b"], ["c"]]})
    out = topic_table(info, c)
    assert out.set_index("topic_id")["size"].to_dict() == {0: 3, 1: 4, 2: 0, -1: 1}
    assert out["size"].sum() == len(c)
    assert out["topic_id"].tolist()[-1] == -1  # unassigned listed last
    flat = flatten_lists(out)
    assert flat.loc[flat["topic_id"] == 0, "keywords"].item() == "refund"


def test_placeholders_never_count_but_the_real_word_does():
    assert "[EMAIL]" not in strip_placeholders("write to [EMAIL] or <PHONE> now")
    terms = analyze("Hi, please update my email address. Reach me at [EMAIL] or [PHONE], thanks [PERSON]")
    assert "email" in terms and "email address" in terms       # the customer's own word
    assert not {"phone", "person"} & set(terms)                # placeholders are gone
    assert not {"hi", "thanks", "please"} & set(terms)         # greetings are stop words
    # bigrams only from words that stood next to each other: never across stop words or punctuation
    terms = analyze("My card was declined when I tried. Refund refund! Order 55812 shipped")
    assert "card declined" not in terms and "declined tried" not in terms
    assert "refund refund" not in terms and "order shipped" not in terms
    assert "55812" not in terms
    brand = KeywordAnalyzer(["Acme"])("Acme app crashes")
    assert brand == ["app", "crashes", "app crashes"]


def test_labels_merge_phrases_and_skip_stop_words():
    assert label_from_keywords(["refund", "twice", "charged", "charged twice", "duplicate"]) \
        == "refund · charged twice · duplicate"
    assert label_from_keywords(["cancel", "subscription", "cancel subscription", "membership", "cancel plan", "plan"]) \
        == "cancel subscription · membership · plan"
    assert label_from_keywords(["thanks", "hello", "refund"]) == "refund"
    labels = unique_labels({-1: [], 0: ["refund", "charge", "bank"], 1: ["refund", "charge", "card"]})
    assert labels[-1] == OUTLIER_LABEL
    assert labels[0] != labels[1]


def test_settings_shrink_with_the_corpus_within_bounds():
    cfg = TopicsConfig(min_topic_size=10, n_neighbors=15, min_samples=5)  # values set by the user shrink
    assert effective_params(MIN_DOCS - 1, cfg) is None
    small = effective_params(30, cfg)
    assert small.adapted and small.n_neighbors == 10 and small.min_topic_size == 3
    big = effective_params(1000, cfg)
    assert not big.adapted and (big.n_neighbors, big.min_topic_size) == (cfg.n_neighbors, cfg.min_topic_size)
    for n in range(MIN_DOCS, 200):
        p = effective_params(n, cfg)
        assert 2 <= p.n_neighbors < n and p.n_components + 1 < n and 3 <= p.min_topic_size <= n // 2
        p = effective_params(n, TopicsConfig())  # auto values obey the same bounds
        assert 2 <= p.n_neighbors < n and p.n_components + 1 < n and 3 <= p.min_topic_size <= n // 2


@pytest.mark.parametrize("word", ["hi", "hello", "thanks", "please", "regards", "asap"])
def test_support_small_talk_is_stop_words(word):
    assert word in STOP_WORDS


def test_over_time_bins_of_microsecond_timestamps_cast_to_the_table_unit():
    # equal-width edges between timestamps with microseconds fell on fractions of a microsecond, which
    # Arrow refused to cast to the tables' timestamp[us] (a traceback at the end of `voc analyze`)
    import pyarrow as pa

    from voc.nlp.topics.analytics import topics_over_time

    c = pd.DataFrame({"contact_id": ["a", "b", "c"], "topic_id": [0, 0, 1], "topic_label": ["x", "x", "y"],
                      "created_at": pd.to_datetime(["2026-01-01 10:00:00.123457", "2026-01-02 11:00:00.000001",
                                                    "2026-01-05 09:13:07.654321"], utc=True).as_unit("us")})
    ot = topics_over_time(c, bins=7)
    assert int(ot["count"].sum()) == 3
    pa.array(ot["bin_start"]).cast(pa.timestamp("us", tz="UTC"))   # safe cast: raises on lost precision
