"""Report sections of the journey prediction layer (`voc journeys`): what will happen (outcome
models and their drivers), journey segments, unusual journeys. The tables are read here from the
output folder (predictions, prediction_drivers, segment_profiles, anomalies) with the figures of
journey_run.json, so every number reads as it was written there."""
from __future__ import annotations

from typing import Any, Optional

import pandas as pd

from voc import datasets
from voc.config import ReportConfig
from voc.report import figures
from voc.report.content import HOW_JOURNEYS, Section, Table, df_table
from voc.report.inputs import ReportInputs
from voc.report.timeline_source import timeline_of

HOW = "Run `voc journeys` (prediction, segments and unusual journeys are on by default; journey.predict / journey.segments)."


def _table(inp: ReportInputs, name: str) -> Optional[pd.DataFrame]:
    p = datasets.find_table(inp.out_dir, name)
    return datasets.read_table(p, dataset=name) if p is not None else None


def _n(v: Any, fmt: str = "{:.3f}") -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else fmt.format(v)


def journey_warnings(inp: ReportInputs, prefix: str) -> list[str]:
    """'CODE: text' of each journey_run.json warning whose code starts with ``prefix``."""
    # prediction warnings carry 'reason', the sequence statistics' ones 'message' (voc.journey.quality)
    return [f"{w['code']}: {w.get('reason') or w.get('message', '')}" for w in inp.journey_run.get("warnings", [])
            if isinstance(w, dict) and str(w.get("code", "")).startswith(prefix)]


def prediction_section(inp: ReportInputs, cfg: ReportConfig) -> Section:
    s = Section("prediction", "What will happen next",
                "Each target is predicted from the start of a journey only (its first steps, the prefix), by gradient-boosted "
                "trees trained on the earlier journeys and tested on the latest ones by start time. The baseline is a logistic "
                "regression on the journey's latest step; 'prior' is every journey getting the training rate. ROC-AUC: 0.5 is "
                "chance, 1 is perfect. Lift: how much more often the 10% highest-scored journeys reach the target.")
    figs = inp.journey_run.get("prediction")
    if not isinstance(figs, dict) or not figs:
        s.missing = "No outcome predictions here. " + HOW
        return s
    rows = []
    for outcome, f in figs.items():
        rows.append([outcome, f.get("prefix", ""), f.get("status", ""), f.get("n_train", ""), f.get("n_test", ""),
                     _n(f.get("roc_auc")), _n(f.get("baseline_roc_auc")), _n(f.get("pr_auc")), _n(f.get("prior_pr_auc")),
                     _n(f.get("brier")), _n(f.get("prior_brier")), _n(f.get("lift_top_decile"), "{:.2f}x"), f.get("warning", "")])
    s.tables.append(Table(["target", "prefix", "status", "train", "test", "ROC-AUC", "baseline ROC-AUC", "PR-AUC", "prior PR-AUC",
                           "Brier", "prior Brier", "lift top 10%", "warning"], rows,
                          "Test-split figures at the headline prefix; every prefix "
                          "is in journey_run.json (prediction.<target>.by_prefix)."))
    drv = _table(inp, "prediction_drivers")
    if drv is not None and len(drv):
        heads = {o: f.get("prefix") for o, f in figs.items()}
        d = drv[[heads.get(o) == p for o, p in zip(drv["outcome"], drv["prefix"])]].copy()
        for outcome, part in d.groupby("outcome", sort=False):
            part = part.sort_values("rank").head(8)
            labels = [r.description if r.mean_positive != r.mean_positive else
                      f"{r.description} ({'higher' if r.mean_positive > r.mean_negative else 'lower'} when it happens)"
                      for r in part.itertuples()]
            s.figures.append((f"Top drivers of '{outcome}': drop in test ROC-AUC when the feature is shuffled",
                              figures.bars(labels, part["importance"].round(4).tolist(), xaxis_title="ROC-AUC drop")))
    pred = _table(inp, "predictions")
    if pred is not None and len(pred):
        op = pred[pred["split"] == "open"]
        if len(op):
            top = op.sort_values("score", ascending=False).drop_duplicates(["outcome", "journey_id"]).groupby("outcome").head(5)
            s.tables.append(df_table(top[["outcome", "journey_id", "prefix", "score"]].round({"score": 3}), cfg.max_rows,
                                     "Open journeys most likely to reach each target (CDP trait propensity_<target>)."))
    notes = journey_warnings(inp, "E33")
    notes = [n for n in notes if n.startswith(("E330:", "E331:", "E332:", "E333:"))]
    if notes:
        s.tables.append(Table(["warning"], [[n] for n in notes], "Figures resting on too few journeys."))
    return s


def segments_section(inp: ReportInputs, cfg: ReportConfig) -> Section:
    info = inp.journey_run.get("segments") or {}
    s = Section("segments", "Journey segments",
                "Journeys grouped by what they did (share of each step, length, duration; intents and topics where contacts "
                "exist). The number of segments is the one with the highest silhouette; stability is the agreement (adjusted "
                "Rand index, 1 = identical) of refits on bootstrap samples.")
    prof = _table(inp, "segment_profiles")
    if prof is None or prof.empty:
        s.missing = (" ".join(journey_warnings(inp, "E334")) or "No segments here.") + " " + HOW
        return s
    s.intro += (f" Here: {info.get('k')} segments, "
                f"silhouette {_n((info.get('silhouette') or {}).get(str(info.get('k'))), '{:.2f}')}, "
                f"stability ARI {_n(info.get('stability_ari_mean'), '{:.2f}')} "
                f"(min {_n(info.get('stability_ari_min'), '{:.2f}')}).")
    if info.get("warning") == "E335":
        s.intro += " " + " ".join(journey_warnings(inp, "E335"))
    s.figures.append(("Journeys per segment", figures.bars([f"{r.segment_id}: {r.distinctive_steps}" for r in prof.itertuples()],
                                                          prof["journeys"].tolist(), xaxis_title="journeys")))
    cols = ["segment_id", "journeys", "description", "typical_path", "top_intents"]
    s.tables.append(df_table(prof[[c for c in cols if c in prof.columns]], cfg.max_rows))
    return s


def unusual_section(inp: ReportInputs, cfg: ReportConfig) -> Section:
    s = Section("unusual", "Unusual journeys",
                "Journeys whose path is unlikely under the step-to-step transition model of all journeys, or whose length or "
                "duration is far from the typical one (robust z-scores; unusual from 3.5).")
    an = _table(inp, "anomalies")
    if an is None or an.empty:
        s.missing = "No unusual-journey scores here. " + (HOW if timeline_of(inp) is not None else HOW_JOURNEYS)
        return s
    info = inp.journey_run.get("unusual") or {}
    s.intro += f" {info.get('unusual', int(an['is_unusual'].sum()))} of {len(an):,} journeys are unusual."
    top = an.sort_values("rank").head(min(cfg.max_rows, 10))
    jn = inp.get("journeys")
    paths = jn.set_index(jn["journey_id"].astype(str))["path"] if jn is not None and "path" in jn else pd.Series(dtype=object)
    for r in top.itertuples():
        s.cards.append({"title": f"Journey {r.journey_id}", "meta": [f"score {r.anomaly_score:.1f}", f"unusual by {r.reason}",
                                                                      f"{r.n_steps} steps"],
                        "path": str(paths.get(str(r.journey_id), "") or ""), "evidence": str(r.evidence).split("; "),
                        "quotes": []})
    return s


def sections(inp: ReportInputs, cfg: ReportConfig) -> list[Section]:
    if not inp.journey_run and datasets.find_table(inp.out_dir, "predictions") is None:
        return []
    out = [prediction_section(inp, cfg), segments_section(inp, cfg), unusual_section(inp, cfg)]
    sampled = " ".join(journey_warnings(inp, "E336"))     # a large log: the models saw a sample of journeys
    for s in out:
        if sampled and not s.missing:
            s.intro += " " + sampled
    return out
