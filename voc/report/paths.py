"""Aggregations of journey tables for the report: the steps that lead to a contact, transition
matrices and friction summaries (pure table -> table)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import pandas as pd

from voc.report.figures import START
from voc.report.labels import duration


def paths_to_contact(timeline: pd.DataFrame, steps_before: int = 3) -> pd.DataFrame:
    """For every contact in a timeline in memory, the ``steps_before`` steps that preceded it in its
    journey (a Parquet timeline: ``voc.report.timeline_source.TimelineSource.paths_to_contact``).

    Returns columns s_-k .. s_-1 (step names; '(start)' before the journey began), s_0 (the contact
    step, e.g. 'contact:chat') and count (contacts that followed that exact path)."""
    need = {"journey_id", "ts", "event", "kind"}
    if not need <= set(timeline.columns) or timeline.empty:
        return pd.DataFrame()
    order = ["journey_id", "ts"] + (["seq"] if "seq" in timeline.columns else [])
    tl = timeline.sort_values(order, kind="stable").reset_index(drop=True)
    tl["event"] = tl["event"].astype(str)
    g = tl.groupby("journey_id", sort=False)["event"]
    cols = {"s_0": tl["event"]}
    for k in range(1, steps_before + 1):
        cols[f"s_-{k}"] = g.shift(k).fillna(START)
    frame = pd.DataFrame(cols)[tl["kind"].astype(str) == "contact"]
    if frame.empty:
        return pd.DataFrame()
    ordered = [f"s_-{k}" for k in range(steps_before, 0, -1)] + ["s_0"]
    out = frame.groupby(ordered, sort=False).size().rename("count").reset_index()
    # most frequent first, ties by the steps' names (the same order as the DuckDB aggregate of
    # voc.report.timeline_source, so the figures never depend on where the timeline was read)
    return out.sort_values(["count"] + ordered, ascending=[False] + [True] * len(ordered),
                           kind="stable").reset_index(drop=True)


def paths_from_transitions(transitions: pd.DataFrame) -> pd.DataFrame:
    """One step back from each contact step, from the transitions table (when there is no timeline)."""
    t = transitions.dropna(subset=["from_step", "to_step"])
    t = t[t["to_step"].astype(str).str.startswith("contact:")]
    if t.empty:
        return pd.DataFrame()
    return pd.DataFrame({"s_-1": t["from_step"].astype(str), "s_0": t["to_step"].astype(str),
                         "count": pd.to_numeric(t["count"], errors="coerce").fillna(0)}).reset_index(drop=True)


def steps_before_contact(paths: pd.DataFrame, top: int = 10) -> pd.DataFrame:
    """The step right before a contact: contacts per step and share of all contacts."""
    if paths.empty or "s_-1" not in paths.columns:
        return pd.DataFrame(columns=["step", "contacts", "share"])
    g = paths.groupby("s_-1")["count"].sum().sort_values(ascending=False)
    total = g.sum()
    out = g.rename("contacts").reset_index().rename(columns={"s_-1": "step"})
    out["share"] = out["contacts"] / total if total else 0.0
    return out.head(top)


def transition_matrix(transitions: pd.DataFrame, top: int = 15) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(probability pivot, count pivot) over the ``top`` busiest steps; probabilities are per row over
    all next steps (not only the shown ones), so rows need not sum to 1 on screen."""
    t = transitions.dropna(subset=["from_step", "to_step"]).copy()
    t["count"] = pd.to_numeric(t["count"], errors="coerce").fillna(0)
    if "probability" not in t.columns or t["probability"].isna().all():
        t["probability"] = t["count"] / t.groupby("from_step")["count"].transform("sum")
    vol = pd.concat([t.groupby("from_step")["count"].sum(), t.groupby("to_step")["count"].sum()], axis=1).fillna(0).sum(axis=1)
    steps = list(vol.sort_values(ascending=False).head(top).index)
    t = t[t["from_step"].isin(steps) & t["to_step"].isin(steps)]
    prob = t.pivot_table(index="from_step", columns="to_step", values="probability",
                         aggfunc="sum").reindex(index=steps, columns=steps)
    cnt = t.pivot_table(index="from_step", columns="to_step", values="count", aggfunc="sum").reindex(index=steps, columns=steps)
    return prob.fillna(0.0), cnt.fillna(0).astype(int)


def friction_kinds(friction: pd.DataFrame) -> pd.DataFrame:
    """Per friction kind: occurrences, journeys affected, mean severity, most common stage."""
    f = friction.copy()
    f["kind"] = f["kind"].astype(str)
    agg = {"n": ("kind", "size")}
    if "journey_id" in f.columns:
        agg["journeys"] = ("journey_id", "nunique")
    if "severity" in f.columns:
        f["severity"] = pd.to_numeric(f["severity"], errors="coerce")
        agg["severity"] = ("severity", "mean")
    g = f.groupby("kind").agg(**agg)
    if "stage" in f.columns and f["stage"].notna().any():
        g["top_stage"] = f.dropna(subset=["stage"]).groupby("kind")["stage"].agg(lambda s: s.astype(str).value_counts().index[0])
    return g.reset_index().sort_values("n", ascending=False).reset_index(drop=True)


def friction_evidence(path: Optional[Path], journey_ids: list, per_journey: int = 3) -> dict[str, list[str]]:
    """Up to ``per_journey`` evidence lines of each of ``journey_ids`` (most severe first, ties in file order), read
    from the friction table's file for those journeys only; {} without a file."""
    if path is None or not journey_ids or not Path(path).exists():
        return {}
    ids = [str(j) for j in journey_ids]
    if Path(path).suffix == ".parquet":
        import duckdb
        import pyarrow.parquet as pq

        columns = set(pq.read_schema(path).names)
        if not {"journey_id", "evidence"} <= columns:
            return {}
        con = duckdb.connect()
        try:
            con.execute("SET threads = 1")
            f = con.execute(
                "SELECT CAST(journey_id AS VARCHAR) AS journey_id, CAST(evidence AS VARCHAR) AS evidence, "
                f"{'COALESCE(TRY_CAST(severity AS DOUBLE), 0)' if 'severity' in columns else '0'} "
                "AS severity, file_row_number AS n "
                "FROM read_parquet(?, file_row_number = true) "
                "WHERE CAST(journey_id AS VARCHAR) IN (SELECT UNNEST(?::VARCHAR[])) AND evidence IS NOT NULL",
                [str(path), ids]).df()
        finally:
            con.close()
    else:
        from voc import datasets

        f = datasets.read_table(path, dataset="friction")
        if not {"journey_id", "evidence"} <= set(f.columns):
            return {}
        f = f[f["journey_id"].astype(str).isin(ids) & f["evidence"].notna()]
        f = f.assign(journey_id=f["journey_id"].astype(str), n=range(len(f)),
                     severity=pd.to_numeric(f.get("severity"), errors="coerce").fillna(0.0))
    if f.empty:
        return {}
    f = f.sort_values(["severity", "n"], ascending=[False, True], kind="stable")
    return {j: [str(e) for e in g["evidence"].head(per_journey)] for j, g in f.groupby("journey_id", sort=False)}


def top_friction_journeys(journeys: Optional[pd.DataFrame], friction: Optional[pd.DataFrame], top: int = 10) -> pd.DataFrame:
    """The journeys with the highest friction: journey_id, customer_id, friction_score, kinds, path,
    evidence (up to three lines, most severe first), contact_ids involved."""
    rows = []
    if friction is not None and "journey_id" in friction.columns and not friction.empty:
        f = friction.copy()
        f["severity"] = pd.to_numeric(f.get("severity"), errors="coerce").fillna(0.0)
        f = f.sort_values("severity", ascending=False, kind="stable")
        by_j = f.groupby("journey_id", sort=False)
        score = by_j["severity"].sum()
        if journeys is not None and "friction_score" in journeys.columns:
            js = journeys.set_index("journey_id")["friction_score"]
            score = pd.to_numeric(js, errors="coerce").reindex(score.index).fillna(score)
        for jid in score.sort_values(ascending=False).head(top).index:
            g = by_j.get_group(jid)
            rows.append({"journey_id": jid,
                         "customer_id": (g["customer_id"].dropna().iloc[0]
                                         if "customer_id" in g and g["customer_id"].notna().any() else None),
                         "friction_score": float(score[jid]),
                         "kinds": sorted(set(g["kind"].astype(str))),
                         "evidence": ([str(e) for e in g["evidence"].dropna().head(3)] if "evidence" in g.columns
                                      else None),   # None: read from the file for the journeys shown (friction_evidence)
                         "contact_ids": [str(c) for c in g.get("contact_id", pd.Series(dtype=str)).dropna().unique()]})
    elif journeys is not None and "friction_score" in journeys.columns:
        j = journeys.assign(fs=pd.to_numeric(journeys["friction_score"], errors="coerce")).dropna(subset=["fs"])
        for _, r in j[j["fs"] > 0].sort_values("fs", ascending=False).head(top).iterrows():
            kinds = r.get("friction_kinds")
            rows.append({"journey_id": r["journey_id"], "customer_id": r.get("customer_id"), "friction_score": float(r["fs"]),
                         "kinds": _as_list(kinds), "evidence": [], "contact_ids": []})
    out = pd.DataFrame(rows)
    if not out.empty and journeys is not None:
        meta = journeys.drop_duplicates("journey_id").set_index("journey_id")
        for col in ("path", "n_contacts", "last_intent"):
            if col in meta.columns:
                out[col] = out["journey_id"].map(meta[col])
    return out


def _as_list(v) -> list[str]:
    if v is None or (isinstance(v, float) and v != v):
        return []
    if isinstance(v, str):
        return [p.strip() for p in v.replace(";", ",").split(",") if p.strip()]
    try:
        return [str(x) for x in v]
    except TypeError:
        return [str(v)]


def steps_around_contact(timeline: Optional[pd.DataFrame], journey_id: Any, contact_id: Optional[str], *,
                         before: int = 4, after: int = 2) -> list[dict[str, Any]]:
    """The steps of ``journey_id`` around the contact ``contact_id`` (its first contact when None):
    up to ``before`` steps before it, the contact, and ``after`` steps after, each
    {step, when, contact: bool}; '…' rows stand for the steps left out."""
    if timeline is None or not {"journey_id", "event"} <= set(timeline.columns):
        return []
    tl = timeline[timeline["journey_id"].astype(str) == str(journey_id)]
    if tl.empty:
        return []
    order = [c for c in ("ts", "seq") if c in tl.columns]
    tl = tl.sort_values(order, kind="stable").reset_index(drop=True) if order else tl.reset_index(drop=True)
    is_contact = (tl["kind"].astype(str).eq("contact") if "kind" in tl.columns
                  else tl["event"].astype(str).str.startswith("contact:"))
    pos = None
    if contact_id is not None and "contact_id" in tl.columns:
        hit = tl.index[tl["contact_id"].astype(str) == str(contact_id)]
        pos = int(hit[0]) if len(hit) else None
    if pos is None:
        hit = tl.index[is_contact]
        pos = int(hit[0]) if len(hit) else None
    if pos is None:
        return []
    lo, hi = max(0, pos - before), min(len(tl), pos + after + 1)
    t0 = tl["ts"].iloc[pos] if "ts" in tl.columns else None
    out: list[dict[str, Any]] = []
    n_before, n_after = lo, len(tl) - hi
    if {"seq", "journey_steps"} <= set(tl.columns):   # only the rows near contacts were read (voc.report.inputs)
        n_before = int(tl["seq"].iloc[lo]) - 1
        n_after = int(tl["journey_steps"].iloc[0]) - int(tl["seq"].iloc[hi - 1])
    if n_before > 0:
        out.append({"step": f"… {n_before} earlier steps", "when": "", "contact": False, "gap": True})
    for i in range(lo, hi):
        when = ""
        if t0 is not None and pd.notna(tl["ts"].iloc[i]) and pd.notna(t0) and i != pos:
            d = (tl["ts"].iloc[i] - t0).total_seconds()
            when = ("+" if d >= 0 else "−") + duration(abs(d))
        out.append({"step": str(tl["event"].iloc[i]), "when": when, "contact": bool(is_contact.iloc[i]), "gap": False})
    if n_after > 0:
        out.append({"step": f"… {n_after} later steps", "when": "", "contact": False, "gap": True})
    return out
