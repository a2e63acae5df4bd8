"""Contact-level sentiment and trajectory on hand-made conversations with known answers."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from voc.nlp.sentiment.trajectory import contact_sentiment


def _msgs(rows):
    return pd.DataFrame(rows, columns=["contact_id", "seq", "role", "text", "sentiment_score"])


def _row(out, cid):
    return out.set_index("contact_id").loc[cid]


def test_angry_then_satisfied_chat():
    # customer turns: -0.8 (start), -0.2, +0.6 (end); agent turns are unscored (None)
    m = _msgs([("c1", 0, "customer", "aaaa", -0.8), ("c1", 1, "agent", "bbbb", None),
               ("c1", 2, "customer", "aaaa", -0.2), ("c1", 3, "agent", "bbbb", None),
               ("c1", 4, "customer", "aaaa", 0.6)])
    r = _row(contact_sentiment(m, aggregate="mean", recency_decay=1.0), "c1")
    assert r.sentiment_start == pytest.approx(-0.8)
    assert r.sentiment_end == pytest.approx(0.6)
    assert r.sentiment_min == pytest.approx(-0.8)
    assert r.sentiment_trend == pytest.approx(1.4)
    assert r.sentiment_score == pytest.approx((-0.8 - 0.2 + 0.6) / 3)
    assert r.n_scored == 3
    assert r.sentiment == "negative"  # mean -0.133 <= -0.05 when every turn counts alike
    # weighted towards the latest turns (the default), the satisfied ending decides: (-0.8/4 - 0.2/2 + 0.6) / 1.75
    r = _row(contact_sentiment(m, aggregate="mean"), "c1")
    assert r.sentiment_score == pytest.approx((-0.2 - 0.1 + 0.6) / 1.75)
    assert r.sentiment == "positive"


def test_order_follows_seq_not_row_order():
    m = _msgs([("c", 2, "customer", "x", 0.9), ("c", 0, "customer", "x", -0.4), ("c", 1, "customer", "x", 0.1)])
    r = _row(contact_sentiment(m), "c")
    assert (r.sentiment_start, r.sentiment_end, r.sentiment_min) == pytest.approx((-0.4, 0.9, -0.4))


def test_single_message_ticket_start_end_min_equal():
    m = _msgs([("t", 0, "customer", "The app crashes every time", -0.6), ("t", 1, "agent", "Fixed", None)])
    r = _row(contact_sentiment(m), "t")
    assert r.sentiment_start == r.sentiment_end == r.sentiment_min == r.sentiment_score == pytest.approx(-0.6)
    assert r.sentiment_trend == 0.0


def test_long_conversation_uses_first_and_last_third():
    scores = [-0.9, -0.7, 0.0, 0.0, 0.5, 0.7]  # n=6 -> thirds of 2 messages
    m = _msgs([("L", i, "customer", "x", s) for i, s in enumerate(scores)])
    r = _row(contact_sentiment(m, aggregate="mean", recency_decay=1.0), "L")
    assert r.sentiment_start == pytest.approx(-0.8)
    assert r.sentiment_end == pytest.approx(0.6)
    assert r.sentiment_min == pytest.approx(-0.9)


def test_length_weighting_discounts_short_replies():
    # a long, clearly negative message and a one-word "thanks" (+0.5)
    long_text = "x" * 400   # weight sqrt(400) = 20
    m = _msgs([("w", 0, "customer", long_text, -0.6), ("w", 1, "customer", "ok", 0.5)])  # weight sqrt(2)
    weighted = _row(contact_sentiment(m, aggregate="length_weighted", recency_decay=1.0), "w").sentiment_score
    plain = _row(contact_sentiment(m, aggregate="mean", recency_decay=1.0), "w").sentiment_score
    assert plain == pytest.approx(-0.05)
    assert weighted == pytest.approx((20 * -0.6 + math.sqrt(2) * 0.5) / (20 + math.sqrt(2)))
    assert weighted < plain


def test_contacts_without_customer_messages_are_kept_with_nulls():
    m = _msgs([("a", 0, "customer", "x", 0.4), ("b", 0, "agent", "hello", None)])
    out = contact_sentiment(m, contact_ids=["a", "b", "never_messaged"])
    assert out["contact_id"].tolist() == ["a", "b", "never_messaged"]
    assert out.loc[1:, "sentiment_score"].isna().all() and out.loc[1:, "sentiment"].isna().all()
    assert out["n_scored"].tolist() == [1, 0, 0]
    assert out.loc[0, "sentiment"] == "positive"


def test_label_from_mean_probabilities_when_present():
    # score mean is slightly positive, but neutral dominates the probabilities -> neutral
    m = _msgs([("p", 0, "customer", "x", 0.1), ("p", 1, "customer", "x", 0.1)])
    m["p_negative"], m["p_neutral"], m["p_positive"] = 0.2, 0.5, 0.3
    assert _row(contact_sentiment(m), "p").sentiment == "neutral"
    m2 = m.drop(columns=["p_negative", "p_neutral", "p_positive"])
    assert _row(contact_sentiment(m2), "p").sentiment == "positive"  # thresholds on the score instead


def test_many_contacts_match_a_per_contact_loop():
    rng = np.random.default_rng(0)
    rows = []
    for c in range(40):
        for s in range(int(rng.integers(1, 9))):
            rows.append((f"c{c}", s, "customer", "y" * int(rng.integers(1, 50)), float(rng.uniform(-1, 1))))
    m = _msgs(rows).sample(frac=1.0, random_state=1)  # shuffled rows
    out = contact_sentiment(m, aggregate="mean", recency_decay=0.7).set_index("contact_id")
    for cid, g in m.groupby("contact_id"):
        s = g.sort_values("seq")["sentiment_score"].to_numpy()
        t = math.ceil(len(s) / 3)
        w = 0.7 ** np.arange(len(s))[::-1]   # 1 for the last turn, 0.7 for the one before, ...
        assert out.loc[cid, "sentiment_score"] == pytest.approx((w * s).sum() / w.sum())
        assert out.loc[cid, "sentiment_start"] == pytest.approx(s[:t].mean())
        assert out.loc[cid, "sentiment_end"] == pytest.approx(s[-t:].mean())
        assert out.loc[cid, "sentiment_min"] == pytest.approx(s.min())


# -- recency: the customer's latest turns count more ------------------------------------------

def _chat(cid, turns):
    """customer/agent alternating; ``turns`` are (customer text, score, p_neg, p_neu, p_pos)."""
    rows = []
    for i, (text, score, *p) in enumerate(turns):
        rows.append((cid, 2 * i, "customer", text, score, *p))
        rows.append((cid, 2 * i + 1, "agent", "Let me check that for you.", None, None, None, None))
    return rows


def _multi_turn_fixture():
    cols = ["contact_id", "seq", "role", "text", "sentiment_score", "p_negative", "p_neutral", "p_positive"]
    ends_angry = _chat("ends_angry", [
        ("Hi, thanks for the quick reply, I love the new app", 0.8, 0.05, 0.1, 0.85),
        ("Great, I tried the steps you sent", 0.5, 0.1, 0.3, 0.6),
        ("It still crashes and now my order is gone, this is ridiculous", -0.8, 0.85, 0.1, 0.05)])
    ends_thankful = _chat("ends_thankful", [
        ("My order never arrived and nobody answers, this is ridiculous", -0.8, 0.85, 0.1, 0.05),
        ("Still waiting, two weeks now, really annoyed", -0.6, 0.7, 0.2, 0.1),
        ("That fixed it, the parcel is here. Thank you so much!", 0.8, 0.05, 0.1, 0.85)])
    return pd.DataFrame(ends_angry + ends_thankful, columns=cols)


@pytest.mark.parametrize("with_proba", [True, False])
def test_conversation_that_ends_angry_is_negative_and_one_that_ends_thankful_is_not(with_proba):
    m = _multi_turn_fixture()
    if not with_proba:  # score-only backends (VADER) label the contact by the score thresholds
        m = m.drop(columns=["p_negative", "p_neutral", "p_positive"])
    out = contact_sentiment(m).set_index("contact_id")   # defaults: length-weighted, recency_decay 0.5
    assert out.loc["ends_angry", "sentiment"] == "negative"
    assert out.loc["ends_thankful", "sentiment"] == "positive"
    assert out.loc["ends_angry", "sentiment_score"] < 0 < out.loc["ends_thankful", "sentiment_score"]
    # the plain mean ignores how the conversation ended: both read positive / negative from their first turns
    flat = contact_sentiment(m, recency_decay=1.0).set_index("contact_id")
    assert flat.loc["ends_angry", "sentiment"] == "positive"
    assert flat.loc["ends_thankful", "sentiment"] == "negative"
    # start/end/min do not depend on the weights
    for c in ("sentiment_start", "sentiment_end", "sentiment_min"):
        assert out[c].tolist() == pytest.approx(flat[c].tolist())


def test_recency_weights_count_scored_customer_turns_only():
    # agent turns between customer turns are unscored and do not age the customer's turns
    m = _msgs([("c", 0, "customer", "x", -1.0), ("c", 1, "agent", "y", None), ("c", 2, "agent", "y", None),
               ("c", 3, "customer", "x", 1.0)])
    r = _row(contact_sentiment(m, aggregate="mean", recency_decay=0.25), "c")
    assert r.sentiment_score == pytest.approx((0.25 * -1.0 + 1.0) / 1.25)


def test_recency_decay_out_of_range_is_refused():
    from pydantic import ValidationError

    from voc.config import SentimentConfig

    with pytest.raises(ValidationError):
        SentimentConfig(recency_decay=0.0)
    with pytest.raises(ValidationError):
        SentimentConfig(recency_decay=1.5)
    assert SentimentConfig().recency_decay == 0.5
