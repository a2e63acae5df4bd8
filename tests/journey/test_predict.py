"""The prediction layer (voc.journey.predict): leakage, time split, metrics, segments, unusual journeys."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from voc.config import JourneyConfig
from voc.errors import VocError
from voc.journey.predict.analytics import journey_analytics, journey_traits
from voc.journey.predict.anomaly import unusual_journeys
from voc.journey.predict.features import PrefixFeaturizer
from voc.journey.predict.outcomes import predict_outcomes
from voc.journey.predict.prefix import Prefix, cut
from voc.journey.predict.segments import segment_journeys
from voc.journey.predict.split import time_split
from voc.journey.predict.targets import labels, target_positions
from voc.journey.predict.timeline import prepare

T0 = pd.Timestamp("2026-01-01", tz="UTC")


def make_timeline(journeys: list[list[str]], *, starts: list[pd.Timestamp] | None = None, gap_min: float = 30.0,
                  contacts: dict[tuple[int, int], dict] | None = None) -> pd.DataFrame:
    """A timeline table like `voc journeys` writes: one row per step, contacts where ``contacts`` says."""
    rows = []
    for j, steps in enumerate(journeys):
        start = starts[j] if starts is not None else T0 + pd.Timedelta(hours=6 * j)
        for i, ev in enumerate(steps):
            c = (contacts or {}).get((j, i))
            rows.append({"journey_id": f"J{j:04d}", "customer_id": f"J{j:04d}", "ts": start + pd.Timedelta(minutes=gap_min * i),
                         "seq": i + 1, "kind": "contact" if c else "event", "event": ev, "channel": "web",
                         "contact_id": c.get("contact_id") if c else None, "intent": c.get("intent") if c else None,
                         "sentiment": None, "topic_label": c.get("topic") if c else None,
                         "sentiment_score": c.get("score") if c else None, "stage": None, "properties": None})
    return pd.DataFrame(rows)


def signal_log(n: int = 600, seed: int = 0) -> pd.DataFrame:
    """Journeys visit > {search|browse|promo} > cart > ...: 'promo' at step 2 makes a purchase later likely
    (90% vs 10%; the best possible ROC-AUC is about 0.88); the latest step of a 3-step prefix is always
    'cart', so it carries no signal."""
    rng = np.random.default_rng(seed)
    journeys = []
    for _ in range(n):
        second = rng.choice(["search", "browse", "promo"])
        buys = rng.random() < (0.9 if second == "promo" else 0.1)
        tail = ["view", "view"] + (["purchase", "review"] if buys else ["leave"])
        journeys.append(["visit", str(second), "cart"] + tail)
    return make_timeline(journeys)


def config(**predict) -> JourneyConfig:
    p = {"prefix_events": [3], "min_journeys": 50, "min_positives": 10, "importance_repeats": 2}
    p.update(predict)
    return JourneyConfig(outcomes={"purchase": ["purchase"]}, predict=p)


# ---- leakage -------------------------------------------------------------------------------------

def _features(tl: pd.DataFrame, prefix: Prefix) -> pd.DataFrame:
    t = prepare(tl)
    rows, cuts = cut(t, prefix)
    cuts = cuts[cuts["reached"]]
    return PrefixFeaturizer(top_steps=20).fit(rows, cuts).transform(rows, cuts)


@pytest.mark.parametrize("prefix", [Prefix("events", 3), Prefix("hours", 1.2)], ids=lambda p: p.name)
def test_events_after_the_cut_do_not_change_the_features(prefix):
    tl = signal_log(200)
    # event properties: a numeric amount and a categorical resource, both features
    tl["properties"] = [f'{{"amount": "{i % 7}", "resource": "team{i * i % 5}"}}' for i in range(len(tl))]
    before = _features(tl, prefix)
    assert "first:amount" in before.columns and any(c.startswith("property:resource=") for c in before.columns)
    changed = tl.copy()
    t = prepare(tl)
    after_cut = (t["pos"] > 3).to_numpy() if prefix.kind == "events" else (
        t["t"] > t.groupby("journey_id")["t"].transform("min") + prefix.size * 3600).to_numpy()
    changed = t.drop(columns=["pos", "t"]).copy()
    changed.loc[after_cut, "event"] = "something_else"                     # other steps
    changed.loc[after_cut, "ts"] = changed.loc[after_cut, "ts"] + pd.Timedelta(days=3)   # at other times
    changed.loc[after_cut, "kind"] = "contact"                             # as contacts with intents/sentiment
    changed.loc[after_cut, "intent"] = "refund"
    changed.loc[after_cut, "sentiment_score"] = -0.9
    changed.loc[after_cut, "properties"] = '{"amount": "1000", "resource": "elsewhere", "new_key": "x"}'
    extra = changed[after_cut].copy()
    extra["seq"] = extra["seq"] + 1000                                      # and more of them
    changed = pd.concat([changed, extra], ignore_index=True)
    after = _features(changed, prefix)
    pd.testing.assert_frame_equal(before, after)


def test_predictions_do_not_depend_on_events_after_the_cut():
    tl = signal_log(400)
    cfg = config()
    a = predict_outcomes(tl, cfg, case_based=True).predictions
    # rename every step after the cut that is not the target: labels stay, features must too
    t = prepare(tl).drop(columns=["pos"])
    late = (t.groupby("journey_id").cumcount() >= 3) & (t["event"] != "purchase")
    t.loc[late, "event"] = "x_" + t.loc[late, "event"]
    b = predict_outcomes(t.drop(columns=["t"]), cfg, case_based=True).predictions
    assert len(a) and a["split"].isin(["train", "test"]).all()
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


# ---- split and labels ---------------------------------------------------------------------------

def test_time_split_tests_on_the_latest_journeys():
    starts = pd.Series(pd.date_range("2026-01-01", periods=50, freq="D", tz="UTC"), index=[f"j{i}" for i in range(50)])
    shuffled = starts.sample(frac=1.0, random_state=1)
    split = time_split(shuffled, 0.2)
    assert (split == "test").sum() == 10
    assert shuffled[split == "train"].max() < shuffled[split == "test"].min()


def test_predictions_split_by_start_time():
    res = predict_outcomes(signal_log(300), config(), case_based=True)
    p = res.predictions
    train, test = p[p["split"] == "train"], p[p["split"] == "test"]
    assert train["start"].max() <= test["start"].min()
    assert 0.15 < len(test) / (len(train) + len(test)) < 0.25


def test_labels_exclude_journeys_that_reached_the_target_in_the_prefix_and_open_ones():
    tl = prepare(make_timeline([["a", "purchase", "b", "c"], ["a", "b", "c", "purchase"], ["a", "b", "c", "d"], ["a", "b"]]))
    cfg = JourneyConfig(outcomes={"purchase": ["purchase"]})
    _, cuts = cut(tl, Prefix("events", 3))
    tgt = target_positions(tl, "purchase", cfg)
    lab = labels(cuts, tgt, horizon_s=None, open_s=None, data_end_t=float(tl["t"].max()))
    assert lab["status"].tolist() == ["reached_in_prefix", "labelled", "labelled", "too_short"]
    assert lab["label"].tolist()[1:3] == [1.0, 0.0]
    # with an open window, a journey without the target that was active lately is open, not a negative
    lab = labels(cuts, tgt, horizon_s=None, open_s=30 * 86400.0, data_end_t=float(tl["t"].max()))
    assert lab.loc["J0002", "status"] == "open" and np.isnan(lab.loc["J0002", "label"])


def test_escalation_and_repeat_targets_come_from_friction_and_repeat_contacts():
    tl = make_timeline([["a", "b", "chat", "call", "c"]], contacts={(0, 2): {"contact_id": "k1"}, (0, 3): {"contact_id": "k2"}})
    t = prepare(tl)
    cfg = JourneyConfig()
    fr = pd.DataFrame({"journey_id": ["J0000"], "kind": ["escalation"], "ts": [t.loc[3, "ts"]]})
    rc = pd.DataFrame({"contact_id": ["k1", "k2"], "is_repeat": [False, True]})
    assert target_positions(t, "escalation", cfg, friction=fr)["target_pos"].tolist() == [4.0]
    assert target_positions(t, "repeat_contact", cfg, repeat_contacts=rc)["target_pos"].tolist() == [4.0]
    with pytest.raises(VocError) as e:
        target_positions(t, "churn", cfg)
    assert e.value.code == "E330"


# ---- metrics --------------------------------------------------------------------------------------

def test_metrics_are_present_in_range_and_beat_the_stated_baseline():
    res = predict_outcomes(signal_log(600), config(), case_based=True)
    m = res.info["outcomes"]["purchase"]
    for k in ("roc_auc", "pr_auc", "brier", "baseline_roc_auc", "baseline_pr_auc", "baseline_brier", "prior_pr_auc",
              "lift_top_decile", "n_train", "n_test"):
        assert m[k] is not None, k
    for k in ("roc_auc", "pr_auc", "brier", "baseline_roc_auc", "prior_pr_auc"):
        assert 0.0 <= m[k] <= 1.0
    # the planted signal (step 2) is found; the latest step ('cart' for everyone) is no better than chance
    assert m["roc_auc"] > 0.8 and m["baseline_roc_auc"] < 0.6
    assert m["brier"] < m["prior_brier"] and m["pr_auc"] > m["prior_pr_auc"]
    assert sum(b["n"] for b in m["calibration"]) == m["n_test"]
    test = res.predictions[res.predictions["split"] == "test"]
    assert len(test) == m["n_test"] and test["score"].between(0, 1).all()
    top = res.drivers[res.drivers["outcome"] == "purchase"].iloc[0]
    assert "promo" in top["feature"] or top["feature"] == "previous_step"


def test_too_few_journeys_is_a_coded_warning_not_a_crash():
    res = predict_outcomes(signal_log(30), config(min_journeys=100), case_based=True)
    assert res.info["outcomes"]["purchase"]["status"] == "too_few"
    assert [w["code"] for w in res.warnings] == ["E331"]
    assert res.predictions.empty


def test_a_target_that_never_happens_is_E333():
    cfg = JourneyConfig(outcomes={"purchase": ["purchase"], "refund": ["refund_*"]},
                        predict={"prefix_events": [3], "outcomes": ["refund"]})
    res = predict_outcomes(signal_log(60), cfg, case_based=True)
    assert [w["code"] for w in res.warnings] == ["E333"]


def test_open_journeys_get_a_propensity_trait():
    tl = signal_log(400)
    t = prepare(tl)
    # the last 40 journeys have not bought and are still running at the data end
    last = t["journey_id"].isin(sorted(t["journey_id"].unique())[-40:])
    t = t[~(last & (t["event"] == "purchase"))].drop(columns=["pos", "t"])
    cfg = config(open_days=5.0)
    res = predict_outcomes(t, cfg, case_based=False)
    op = res.predictions[res.predictions["split"] == "open"]
    assert len(op) and op["score"].between(0, 1).all()
    jn = pd.DataFrame({"journey_id": sorted(t["journey_id"].unique())})
    traits = journey_traits(jn, res.predictions, pd.DataFrame(columns=["journey_id", "segment_id"]),
                            pd.DataFrame(columns=["journey_id", "anomaly_score"]))
    has = traits.set_index("journey_id")["propensity_purchase"].notna()
    assert set(has[has].index) == set(op["journey_id"])


# ---- segments ---------------------------------------------------------------------------------------

def archetypes(n_each: int = 40, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    kinds = [["home", "search", "product", "cart", "checkout", "paid"],
             ["login", "billing", "invoice_error", "help", "chat"],
             ["app_open", "feed", "feed", "feed", "like", "share", "feed"]]
    journeys = []
    for k in kinds:
        for _ in range(n_each):
            steps = [s for s in k if rng.random() > 0.1] or k[:1]
            journeys.append(steps)
    order = rng.permutation(len(journeys))
    return make_timeline([journeys[i] for i in order])


def test_segments_find_the_archetypes_and_report_stability():
    res = segment_journeys(archetypes(), JourneyConfig())
    assert res.info["k"] == 3
    assert res.info["stability_ari_mean"] > 0.9 and len(res.info["stability_ari"]) == 5
    assert res.profiles["journeys"].sum() == 120 and set(res.segments["segment_id"]) == {0, 1, 2}
    assert res.profiles["description"].str.len().gt(20).all()
    # each segment is one archetype
    tl = prepare(archetypes())
    first = tl[tl["pos"] == 1].set_index("journey_id")["event"]
    joined = res.segments.set_index("journey_id")["segment_id"]
    assert pd.crosstab(joined, first.reindex(joined.index).replace({"search": "home"})).gt(0).sum(axis=1).max() <= 2


def test_segments_on_too_few_journeys_warn():
    res = segment_journeys(archetypes(3), JourneyConfig())
    assert res.segments.empty and [w["code"] for w in res.warnings] == ["E334"]


# ---- unusual journeys ---------------------------------------------------------------------------------

def test_a_planted_odd_journey_ranks_first():
    rng = np.random.default_rng(3)
    normal = [["open", "browse", "cart", "pay", "done"][: rng.integers(4, 6)] for _ in range(80)]
    odd = ["pay", "open", "done", "cart", "browse"]          # the same steps in an order nobody else takes
    tl = make_timeline(normal[:40] + [odd] + normal[40:])
    res = unusual_journeys(tl, JourneyConfig())
    top = res.anomalies.iloc[0]
    assert top["journey_id"] == "J0040" and top["reason"] == "path" and top["is_unusual"]
    assert "->" in top["evidence"] and res.anomalies["rank"].tolist() == list(range(1, 82))


def test_a_journey_that_lasts_far_longer_is_unusual_by_duration():
    tl = make_timeline([["a", "b", "c"]] * 30)
    t = tl.copy()
    t.loc[t["journey_id"] == "J0007", "ts"] = T0 + pd.to_timedelta(np.arange(3) * 40, unit="D")
    res = unusual_journeys(t, JourneyConfig())
    assert res.anomalies.iloc[0]["journey_id"] == "J0007" and res.anomalies.iloc[0]["reason"] == "duration"


# ---- the layer as `voc journeys` runs it --------------------------------------------------------------

def test_journey_analytics_tables_and_info():
    tl = signal_log(300)
    jn = pd.DataFrame({"journey_id": sorted(tl["journey_id"].unique())})
    jn["customer_id"] = jn["journey_id"]
    tables, info = journey_analytics({"timeline": tl, "journeys": jn}, config(), case_based=True)
    assert set(tables) == {"predictions", "prediction_drivers", "segments", "segment_profiles", "anomalies", "journey_traits"}
    assert info["prediction"]["purchase"]["roc_auc"] is not None
    assert info["segments"]["status"] == "ok" and info["unusual"]["status"] == "ok"
    assert len(tables["journey_traits"]) == len(jn) and tables["journey_traits"]["segment_id"].notna().all()


def test_categorical_properties_that_identify_one_journey_are_not_features():
    tl = signal_log(100)
    t = prepare(tl)
    t["properties"] = [f'{{"resource": "team{i * i % 5}", "session": "s-{j}"}}' for i, j in enumerate(t["journey_id"])]
    rows, cuts = cut(t, Prefix("events", 3))
    f = PrefixFeaturizer().fit(rows, cuts)
    assert list(f.property_values_) == ["resource"]
    X = f.transform(rows, cuts)
    assert X.filter(like="property:resource=").sum(axis=1).eq(3).all()


def test_an_unknown_prediction_target_is_a_config_error_before_any_work():
    from voc import config as cfg
    with pytest.raises(VocError) as e:
        cfg.from_dict({"journey": {"outcomes": {"churn": ["cancel*"]}, "predict": {"outcomes": ["chrun"]}}})
    assert e.value.code == "E102" and "chrun" in e.value.cause


def test_fit_transform_is_fit_then_transform_with_the_properties_parsed_once(monkeypatch):
    """Issue 18 (prediction on 1M contacts): fitting computed the training features to choose the columns
    and the caller computed them again; both parsed every step's properties JSON."""
    from voc.journey.predict import features

    tl = signal_log(200)
    t = prepare(tl)
    t["properties"] = [f'{{"resource": "team{i * 7 % 4}", "amount": "{i % 13}"}}' for i in range(len(t))]
    rows, cuts = cut(t, Prefix("events", 3))
    expected = PrefixFeaturizer().fit(rows, cuts).transform(rows, cuts)
    assert any(c.startswith("property:resource=") for c in expected.columns) and "first:amount" in expected.columns
    calls = []
    real = features._string_props
    monkeypatch.setattr(features, "_string_props", lambda v: calls.append(len(v)) or real(v))
    got = PrefixFeaturizer().fit_transform(rows, cuts)
    pd.testing.assert_frame_equal(got, expected)
    assert calls == [len(rows[rows["journey_id"].isin(cuts.index)])]          # once (fit + transform: three times)
