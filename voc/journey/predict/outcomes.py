"""`predict_outcomes`: for each target and prefix cut, fit the outcome model on the training
journeys, evaluate it on the time-ordered test split beside the baselines, explain it (permutation
importance) and score the open journeys (refitted on every labelled journey).

Tables: predictions (journey_id, outcome, prefix, score, split in train/test/open, label,
baseline_score, start) and prediction_drivers (outcome, prefix, rank, feature, description,
importance, importance_std, mean_positive, mean_negative) at the headline (first) cut. ``info[outcome]``: the headline cut's
figures (roc_auc, pr_auc, brier, lift_top_decile, baseline_*, prior_*, n_train, n_test, ...) and
``by_prefix`` with the same figures for every cut."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np
import pandas as pd
from sklearn.inspection import permutation_importance

from voc.config import JourneyConfig
from voc.errors import Errors, VocError
from voc.journey.predict import evaluate
from voc.journey.predict.features import PrefixFeaturizer, describe, step_catalog
from voc.journey.predict.model import LastStepBaseline, OutcomeModel
from voc.journey.predict.prefix import Prefix, cut, prefixes
from voc.journey.predict.split import boundary, time_split
from voc.journey.predict.targets import default_targets, labels, target_positions
from voc.journey.predict.timeline import journey_spans, prepare

PREDICTION_COLUMNS = ["journey_id", "outcome", "prefix", "score", "split", "label", "baseline_score", "start"]
DRIVER_COLUMNS = ["outcome", "prefix", "rank", "feature", "description", "importance", "importance_std",
                  "mean_positive", "mean_negative"]
MAX_IMPORTANCE_ROWS = 2000


@dataclass
class PredictionResult:
    predictions: pd.DataFrame
    drivers: pd.DataFrame
    info: dict[str, Any]
    warnings: list[dict[str, Any]] = field(default_factory=list)


def _warn(warnings: list, spec, **details) -> None:
    w = VocError(spec, **details).as_dict()
    w.update({k: v for k, v in details.items() if k in ("outcome", "prefix")})
    warnings.append(w)


def empty_predictions() -> pd.DataFrame:
    return pd.DataFrame({"journey_id": pd.Series([], dtype=str), "outcome": pd.Series([], dtype=str),
                         "prefix": pd.Series([], dtype=str), "score": pd.Series([], dtype=float),
                         "split": pd.Series([], dtype=str), "label": pd.Series([], dtype=float),
                         "baseline_score": pd.Series([], dtype=float),
                         "start": pd.Series([], dtype="datetime64[us, UTC]")})


def empty_drivers() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=float if c in ("importance", "importance_std", "mean_positive", "mean_negative")
                                      else ("int64" if c == "rank" else str)) for c in DRIVER_COLUMNS})


def _drivers(model: OutcomeModel, X: pd.DataFrame, y: np.ndarray, *, repeats: int, top: int, seed: int,
             outcome: str, prefix: str) -> pd.DataFrame:
    if len(X) > MAX_IMPORTANCE_ROWS:
        take = np.random.default_rng(seed).choice(len(X), MAX_IMPORTANCE_ROWS, replace=False)
        X, y = X.iloc[take], y[take]
    imp = permutation_importance(model.model_, X.to_numpy(dtype=float), y, scoring="roc_auc", n_repeats=repeats,
                                 random_state=seed, n_jobs=1)
    df = pd.DataFrame({"feature": X.columns, "importance": imp.importances_mean, "importance_std": imp.importances_std})
    df = df[df["importance"] > 0].sort_values(["importance", "feature"], ascending=[False, True]).head(top)
    pos, neg = X[y == 1], X[y == 0]
    categorical = {"last_step", "previous_step"}   # codes: their mean means nothing (NULL)
    df["mean_positive"] = [np.nan if c in categorical else float(pos[c].mean()) for c in df["feature"]]
    df["mean_negative"] = [np.nan if c in categorical else float(neg[c].mean()) for c in df["feature"]]
    df["description"] = df["feature"].map(describe)
    df["outcome"], df["prefix"] = outcome, prefix
    df["rank"] = np.arange(1, len(df) + 1)
    return df[DRIVER_COLUMNS]


def _figures(y: np.ndarray, p: np.ndarray, base: np.ndarray, prior: float) -> dict[str, Any]:
    m = evaluate.scores(y, p)
    b = evaluate.scores(y, base)
    out = dict(m)
    out.update({f"baseline_{k}": v for k, v in b.items()})
    out["prior_rate"] = round(prior, 4)
    out["prior_pr_auc"] = round(float(np.mean(y)), 4) if len(y) else None
    out["prior_brier"] = round(float(np.mean((y - prior) ** 2)), 4) if len(y) else None
    out["calibration"] = evaluate.calibration_bins(y, p)
    return out


def predict_outcomes(timeline: pd.DataFrame, config: JourneyConfig, *, repeat_contacts: Optional[pd.DataFrame] = None,
                     friction: Optional[pd.DataFrame] = None, case_based: bool = False) -> PredictionResult:
    pc = config.predict
    warnings: list[dict[str, Any]] = []
    tl = prepare(timeline)
    info: dict[str, Any] = {}
    if tl.empty:
        return PredictionResult(empty_predictions(), empty_drivers(), info, warnings)
    targets = default_targets(config, tl, friction)
    cuts_all = [(p, *cut(tl, p)) for p in prefixes(pc)]
    spans = journey_spans(tl)
    split = time_split(spans["start"], pc.test_share)
    data_end_t = float(tl["t"].max())
    open_days = pc.open_days if pc.open_days is not None else (None if case_based else config.repeat_window_days)
    horizon_s = pc.horizon_days * 86400.0 if pc.horizon_days is not None else None
    open_s = open_days * 86400.0 if open_days is not None else None
    catalog = step_catalog(list(tl["event"].unique()), config, case_based=case_based)
    preds, drivers = [], []
    for outcome in targets:
        tgt = target_positions(tl, outcome, config, repeat_contacts=repeat_contacts, friction=friction)
        if tgt.empty:
            ex = ", ".join(pd.Series(tl["event"]).value_counts().index[:5].astype(str))
            _warn(warnings, Errors.E333, outcome=outcome, examples=ex)
            info[outcome] = {"status": "never_happens", "warning": "E333"}
            continue
        by_prefix: dict[str, Any] = {}
        for prefix, rows, cuts in cuts_all:
            lab = labels(cuts, tgt, horizon_s=horizon_s, open_s=open_s, data_end_t=data_end_t)
            by_prefix[prefix.name] = fig = _fit_one(outcome, prefix, rows, cuts, lab, split, catalog, config,
                                                    warnings, preds, drivers, explain=not by_prefix)
            fig["status_counts"] = {k: int(v) for k, v in lab["status"].value_counts().items()}
        failed = [p for p, f in by_prefix.items() if f.get("status") == "too_few"]
        if failed:
            _warn(warnings, Errors.E331, outcome=outcome, prefix=", ".join(failed), detail=by_prefix[failed[0]]["detail"]
                  + (f" at {failed[0]}" if len(failed) > 1 else ""))
        head = next(iter(by_prefix))
        info[outcome] = {**{k: v for k, v in by_prefix[head].items()}, "prefix": head, "by_prefix": by_prefix}
    b = boundary(spans["start"], split)
    info_all = {"targets": targets, "prefixes": [p.name for p, _, _ in cuts_all], "test_share": pc.test_share,
                "test_from": b.isoformat() if b is not None else None, "horizon_days": pc.horizon_days,
                "open_days": open_days, "model": "HistGradientBoostingClassifier",
                "baseline": "logistic regression on the latest step of the prefix", "outcomes": info}
    pred = pd.concat(preds, ignore_index=True) if preds else empty_predictions()
    drv = pd.concat(drivers, ignore_index=True) if drivers else empty_drivers()
    return PredictionResult(pred, drv, info_all, warnings)


def _fit_one(outcome: str, prefix: Prefix, rows: pd.DataFrame, cuts: pd.DataFrame, lab: pd.DataFrame, split: pd.Series,
             catalog: pd.DataFrame, config: JourneyConfig, warnings: list, preds: list, drivers: list,
             explain: bool = True) -> dict[str, Any]:
    """Fit, evaluate and score one (target, cut); ``explain``: compute its drivers (the headline cut only:
    permutation importance is the costliest step)."""
    pc = config.predict
    labelled = lab.index[lab["status"] == "labelled"]
    opened = lab.index[lab["status"] == "open"]
    sp = split.reindex(labelled)
    tr, te = labelled[(sp == "train").to_numpy()], labelled[(sp == "test").to_numpy()]
    y_tr, y_te = lab.loc[tr, "label"].to_numpy(dtype=int), lab.loc[te, "label"].to_numpy(dtype=int)
    fig: dict[str, Any] = {"n_train": int(len(tr)), "n_test": int(len(te)), "n_open": int(len(opened)),
                           "positives_train": int(y_tr.sum()), "positives_test": int(y_te.sum())}
    if len(labelled) < pc.min_journeys or y_tr.sum() < pc.min_positives or (len(y_tr) - y_tr.sum()) < pc.min_positives:
        detail = (f"{len(labelled)} labelled journeys (need {pc.min_journeys}), {int(y_tr.sum())} positive and "
                  f"{int(len(y_tr) - y_tr.sum())} negative in training (need {pc.min_positives} of each)")
        fig.update({"status": "too_few", "warning": "E331", "detail": detail})
        return fig
    feat = PrefixFeaturizer(pc.top_steps, pc.top_categories, catalog)
    X_tr = feat.fit_transform(rows, cuts.loc[tr])
    X_te = feat.transform(rows, cuts.loc[te])
    model = OutcomeModel(pc.max_iter, pc.learning_rate, pc.seed, feat.categorical_).fit(X_tr, y_tr)
    base = LastStepBaseline().fit(X_tr, y_tr)
    p_tr, p_te = model.predict_proba(X_tr), model.predict_proba(X_te)
    b_tr, b_te = base.predict_proba(X_tr), base.predict_proba(X_te)
    fig.update(_figures(y_te, p_te, b_te, float(y_tr.mean())))
    fig["status"] = "ok"
    fig["n_features"] = len(feat.columns_)
    if not evaluate.enough(y_te):
        _warn(warnings, Errors.E332, outcome=outcome, prefix=prefix.name, n_pos=int(y_te.sum()),
              n_neg=int(len(y_te) - y_te.sum()))
        fig["warning"] = "E332"
    elif fig.get("roc_auc") is not None and pc.top_drivers > 0 and explain:
        drivers.append(_drivers(model, X_te, y_te, repeats=pc.importance_repeats, top=pc.top_drivers, seed=pc.seed,
                                outcome=outcome, prefix=prefix.name))
    parts = [_rows(tr, outcome, prefix, p_tr, "train", y_tr, b_tr, cuts),
             _rows(te, outcome, prefix, p_te, "test", y_te, b_te, cuts)]
    if len(opened):
        everyone = labelled
        feat_all = PrefixFeaturizer(pc.top_steps, pc.top_categories, catalog)
        y_all = lab.loc[everyone, "label"].to_numpy(dtype=int)
        X_all = feat_all.fit_transform(rows, cuts.loc[everyone])
        final = OutcomeModel(pc.max_iter, pc.learning_rate, pc.seed, feat_all.categorical_).fit(X_all, y_all)
        base_all = LastStepBaseline().fit(X_all, y_all)
        X_open = feat_all.transform(rows, cuts.loc[opened])
        parts.append(_rows(opened, outcome, prefix, final.predict_proba(X_open), "open", None,
                           base_all.predict_proba(X_open), cuts))
    preds.extend(parts)
    return fig


def _rows(ids: pd.Index, outcome: str, prefix: Prefix, score: np.ndarray, split: str, y: Optional[np.ndarray],
          base: np.ndarray, cuts: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"journey_id": np.asarray(ids, dtype=str), "outcome": outcome, "prefix": prefix.name,
                         "score": np.asarray(score, dtype=float), "split": split,
                         "label": np.asarray(y, dtype=float) if y is not None else np.nan,
                         "baseline_score": np.asarray(base, dtype=float),
                         "start": pd.to_datetime(cuts.loc[ids, "start"].to_numpy(), utc=True).astype("datetime64[us, UTC]")})
