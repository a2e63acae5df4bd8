"""Findings: what to act on, from every signal, on one scale. Pure table -> table functions.

Candidates are cells of a *dimension* (intent, topic, channel, friction kind) crossed with an
*outcome* (negative sentiment, repeat contact, friction), plus the run's alerts (alerts.jsonl).
Every cell is tested against the rest of the contacts with a one-sided Fisher exact test
(hypergeometric upper tail: is the rate in the cell higher than outside it?); the p-values of all
cells tested in a run are adjusted together (Benjamini-Hochberg). A cell is a finding when

- it holds at least ``min_contacts`` contacts with a known outcome,
- its q-value is at most ``fdr``,
- its rate is at least ``min_diff`` above the overall rate and ``min_lift`` times it.

Findings are ranked by **excess contacts**: n x (rate - overall rate), the contacts that would not
have the problem at the overall rate. An alert's excess is its observed minus expected contacts
(volume) or n x (observed - expected rate). Two findings on the same outcome whose contacts overlap
largely (Jaccard of contact ids >= ``jaccard``; e.g. a topic and an intent covering the same
contacts) are one finding: the higher-ranked keeps the other in ``also``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Optional

import numpy as np
import pandas as pd
from scipy import stats

from voc.trends.alerts import bh_qvalues

UNKNOWN = {"unknown", "", "nan", "none", "<na>", "null", "unassigned", "outliers"}
OUTCOMES = {  # outcome -> (column of the per-contact frame, words)
    "negative_share": ("negative", "negative sentiment"),
    "repeat_rate": ("repeat", "repeat contacts"),
    "friction_rate": ("friction", "friction in the journey"),
}
DIMENSIONS = ("intent", "topic", "channel", "friction_kind")
# cells defined by their own outcome are no finding: a 'negative end' friction IS a conversation that ends
# negative, so its contacts being negative more often says nothing
CIRCULAR = {("friction_kind", "negative_end", "negative_share")}
DIMENSION_WORDS = {"intent": "intent", "topic": "topic", "channel": "channel", "friction_kind": "friction"}
ACTIONS = {
    "negative_share": "Read the example quotes; fix the policy, product or process customers complain about.",
    "repeat_rate": "Review the answer, macro or help article used on first contact: these customers come back.",
    "friction_rate": "Follow these journeys (friction section): remove the step that fails before the contact.",
}
FRICTION_ADVICE = {
    "escalation": "Customers escalate to a costlier channel; check why the first channel could not resolve it.",
    "loop": "Customers repeat the same steps; look for a dead end or unclear next step in that flow.",
    "error_before_contact": "An error shortly before the contact drives it; fixing the error removes the contact.",
    "long_wait": "Long waits between steps precede contacts; set expectations or speed up that step.",
    "negative_end": "Contacts end on a negative note; review the resolutions given.",
    "abandonment_after_contact": "Customers drop out after contacting support; follow up on unresolved cases.",
}
EVIDENCE = ("n", "hits", "rate", "overall", "lift", "excess", "p_value", "q_value")


@dataclass
class FindingSettings:
    min_contacts: int = 10
    fdr: float = 0.05
    min_lift: float = 1.2
    min_diff: float = 0.05
    jaccard: float = 0.5
    max_items: int = 8
    include_intents: bool = True


def _known(s: pd.Series) -> pd.Series:
    return s.notna() & ~s.astype(str).str.strip().str.lower().isin(UNKNOWN)


def contact_frame(contacts: pd.DataFrame, flags: Optional[pd.DataFrame] = None,
                  friction: Optional[pd.DataFrame] = None) -> pd.DataFrame:
    """One row per contact: contact_id, intent, topic, channel (None where unknown), negative, repeat,
    friction (nullable booleans: missing where the outcome is unknown for that contact)."""
    c = contacts.drop_duplicates("contact_id")
    out = pd.DataFrame({"contact_id": c["contact_id"].astype(str).to_numpy()})
    if "intent" in c.columns:
        out["intent"] = c["intent"].astype(str).where(_known(c["intent"]), None).to_numpy()
    topic = None
    if "topic_label" in c.columns and c["topic_label"].notna().any():
        topic = c["topic_label"].astype(str).where(_known(c["topic_label"]), None)
        if "topic_id" in c.columns:
            topic = topic.where(pd.to_numeric(c["topic_id"], errors="coerce") != -1, None)
    elif "topic_id" in c.columns and c["topic_id"].notna().any():
        tid = pd.to_numeric(c["topic_id"], errors="coerce")
        topic = ("topic " + tid.astype("Int64").astype(str)).where(tid.notna() & (tid != -1), None)
    if topic is not None:
        out["topic"] = topic.to_numpy()
    if "channel" in c.columns:
        out["channel"] = c["channel"].astype(str).where(_known(c["channel"]), None).to_numpy()
    if "sentiment" in c.columns and c["sentiment"].notna().any():
        s = c["sentiment"]
        out["negative"] = pd.array((s.astype(str) == "negative").where(s.notna(), None).to_numpy(), dtype="boolean")
    if flags is not None and not flags.empty and "is_repeat" in flags.columns:
        first = flags.drop_duplicates("contact_id")
        rep = first.set_index(first["contact_id"].astype(str))["is_repeat"]
        out["repeat"] = pd.array(out["contact_id"].map(rep).to_numpy(), dtype="boolean")
    if friction is not None and not friction.empty and {"contact_id", "kind"} <= set(friction.columns):
        fr = friction.dropna(subset=["contact_id"])
        out["friction"] = pd.array(out["contact_id"].isin(set(fr["contact_id"].astype(str))).to_numpy(), dtype="boolean")
        kinds = fr.assign(cid=fr["contact_id"].astype(str)).groupby("cid")["kind"].agg(lambda k: sorted(set(map(str, k))))
        out["friction_kind"] = out["contact_id"].map(kinds)
    return out


def _groups(frame: pd.DataFrame, dim: str) -> Iterable[tuple[str, pd.Series]]:
    """(value, boolean mask of the contacts in it) per value of ``dim``."""
    if dim not in frame.columns:
        return []
    col = frame[dim]
    if dim == "friction_kind":
        vals = sorted({k for ks in col.dropna() for k in ks})
        return [(v, col.map(lambda ks, v=v: isinstance(ks, list) and v in ks)) for v in vals]
    return [(v, col == v) for v in col.dropna().value_counts().index]   # a cell that is everyone is skipped later


def candidates(frame: pd.DataFrame, *, dimensions: Iterable[str] = DIMENSIONS, min_contacts: int = 10) -> pd.DataFrame:
    """Every (dimension, value, outcome) cell with at least ``min_contacts`` contacts of known outcome:
    n, hits, rate, overall rate, lift, excess contacts and the one-sided Fisher p-value (not yet adjusted)."""
    rows: list[dict[str, Any]] = []
    for outcome, (col, _) in OUTCOMES.items():
        if col not in frame.columns:
            continue
        known = frame[col].notna().to_numpy()
        y = frame[col].fillna(False).astype(bool).to_numpy() & known
        N, K = int(known.sum()), int(y.sum())
        if N == 0 or K == 0:
            continue
        overall = K / N
        for dim in dimensions:
            if outcome == "friction_rate" and dim == "friction_kind":
                continue
            for value, mask in _groups(frame, dim):
                if (dim, str(value), outcome) in CIRCULAR:
                    continue
                m = mask.fillna(False).to_numpy(dtype=bool) & known
                n = int(m.sum())
                if n < min_contacts or n == N:
                    continue
                k = int((y & m).sum())
                rows.append({"dimension": dim, "value": str(value), "outcome": outcome, "n": n, "hits": k,
                             "rate": k / n, "overall": overall, "N": N, "K": K,
                             "contact_ids": frame.loc[m, "contact_id"].tolist(),
                             "hit_ids": frame.loc[m & y, "contact_id"].tolist()})
    df = pd.DataFrame(rows, columns=["dimension", "value", "outcome", "n", "hits", "rate", "overall", "N", "K",
                                     "contact_ids", "hit_ids"])
    if df.empty:
        return df.assign(lift=[], excess=[], p_value=[])
    df["lift"] = df["rate"] / df["overall"]
    df["excess"] = df["n"] * (df["rate"] - df["overall"])
    # P(X >= k), X ~ Hypergeometric(N, K, n): Fisher's exact test, one-sided (higher inside the cell)
    df["p_value"] = stats.hypergeom.sf(df["hits"] - 1, df["N"], df["K"], df["n"]).clip(0, 1)
    return df


def alert_candidates(alerts: list[dict[str, Any]], *, include_intents: bool = True) -> pd.DataFrame:
    """The run's alerts (alerts.jsonl; already tested and BH-adjusted by the trends step) as candidates."""
    rows = []
    for a in alerts or []:
        if not include_intents and a.get("dimension") == "intent":
            continue
        obs, exp, n = a.get("observed"), a.get("expected"), a.get("n")
        if obs is None or exp is None:
            continue
        metric = str(a.get("metric", ""))
        if metric == "volume":
            excess = float(obs) - float(exp)
        else:
            excess = float(n or 0) * abs(float(obs) - float(exp))
        lift = float(obs) / float(exp) if exp else None
        rows.append({"dimension": "alert", "value": str(a.get("value", "")), "outcome": metric,
                     "alert_dimension": a.get("dimension"), "alert_id": a.get("alert_id"),
                     "period": f"{a.get('period', 'period')} of {str(a.get('period_start') or '')[:10]}".strip(),
                     "sentence": a.get("sentence", ""), "n": int(n or 0), "hits": None, "rate": float(obs),
                     "overall": float(exp), "lift": lift, "excess": excess, "p_value": a.get("p_value"),
                     "q_value": a.get("q_value"), "contact_ids": [str(c) for c in a.get("contact_ids") or []],
                     "hit_ids": [str(c) for c in a.get("contact_ids") or []]})
    return pd.DataFrame(rows)


def select(cands: pd.DataFrame, settings: FindingSettings) -> pd.DataFrame:
    """BH-adjust the p-values of every cell tested, keep the significant, material ones, rank by excess."""
    if cands.empty:
        return cands.assign(q_value=[])
    c = cands.copy()
    c["q_value"] = bh_qvalues(c["p_value"].to_numpy(dtype=float))
    keep = (c["q_value"] <= settings.fdr) & (c["rate"] >= c["overall"] + settings.min_diff) \
        & (c["lift"] >= settings.min_lift) & (c["n"] >= settings.min_contacts)
    if not settings.include_intents:
        keep &= c["dimension"] != "intent"
    return c[keep].sort_values(["excess", "q_value"], ascending=[False, True], kind="stable").reset_index(drop=True)


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    a, b = set(a), set(b)
    return len(a & b) / len(a | b) if a or b else 0.0


def deduplicate(ranked: pd.DataFrame, threshold: float = 0.5) -> pd.DataFrame:
    """One finding per group of contacts: walking down the ranking, a finding whose outcome matches a kept
    one and whose contacts overlap it (Jaccard >= ``threshold``) is folded into it (listed in ``also``)."""
    if ranked.empty:
        return ranked.assign(also=[])
    kept: list[int] = []
    also: dict[int, list[dict[str, Any]]] = {}
    sets = [set(ids) for ids in ranked["contact_ids"]]
    for i, r in ranked.iterrows():
        home = None
        for j in kept:
            if ranked.at[j, "outcome"] == r["outcome"] and jaccard(sets[i], sets[j]) >= threshold:
                home = j
                break
        if home is None:
            kept.append(i)
            also[i] = []
        else:
            also[home].append({"dimension": r["dimension"], "value": r["value"],
                               "jaccard": round(jaccard(sets[i], sets[home]), 3), "excess": float(r["excess"])})
    out = ranked.loc[kept].copy()
    out["also"] = [also[i] for i in kept]
    return out.reset_index(drop=True)


def _pct(x: Optional[float]) -> str:
    return "n/a" if x is None else f"{100 * x:.0f}%"


def describe(r: pd.Series, label: Any = str) -> dict[str, str]:
    """Title, detail and next step of a finding, in words (``label``: readable value names)."""
    dim, out = r["dimension"], r["outcome"]
    if dim == "alert":
        where = f"{DIMENSION_WORDS.get(str(r.get('alert_dimension')), r.get('alert_dimension'))} '{label(r['value'])}'"
        what = {"volume": "More contacts", "negative_share": "Negative sentiment up", "repeat_rate": "Repeat contacts up",
                "fcr": "First-contact resolution down"}.get(out, out)
        return {"title": f"{what} on {where} ({r.get('period')})", "detail": str(r.get("sentence") or ""),
                "action": "See 'What changed' for the trend; read the quotes to find what changed for these customers."}
    words = OUTCOMES[out][1]
    if dim == "friction_kind":
        where = f"contacts with friction '{label(r['value'])}' in their journey"
    else:
        where = f"{DIMENSION_WORDS[dim]} '{label(r['value'])}'"
    title = {"negative_share": f"Negative sentiment on {where}", "repeat_rate": f"Repeat contacts on {where}",
             "friction_rate": f"Friction before contacts on {where}"}[out]
    detail = (f"{_pct(r['rate'])} of {int(r['n']):,} contacts have {words} (overall {_pct(r['overall'])}; "
              f"{r['lift']:.1f}x): about {r['excess']:,.0f} more than at the overall rate "
              f"(q = {r['q_value']:.2g}).")
    action = FRICTION_ADVICE.get(str(r["value"]), ACTIONS[out]) if dim == "friction_kind" else ACTIONS[out]
    return {"title": title, "detail": detail, "action": action}


def to_records(found: pd.DataFrame, quotes: Optional[dict[int, list[dict]]] = None, label: Any = str) -> list[dict[str, Any]]:
    """JSON-ready findings: words, the numbers behind them, the dimensions folded in, example quotes."""
    recs = []
    for i, r in found.iterrows():
        words = describe(r, label)
        ev = {k: (None if r.get(k) is None or (isinstance(r.get(k), float) and np.isnan(r.get(k)))
                  else (int(r[k]) if k in ("n", "hits") else float(r[k]))) for k in EVIDENCE if k in r.index}
        rec = {"rank": len(recs) + 1, "kind": "alert" if r["dimension"] == "alert" else r["outcome"],
               "signal": r["dimension"], "value": r["value"], "label": label(r["value"]), "outcome": r["outcome"],
               **words, "impact": float(r["excess"]), "evidence": ev, "also": list(r.get("also") or []),
               "contacts": int(len(r["contact_ids"])), "quotes": (quotes or {}).get(i, [])}
        if r["dimension"] == "alert":
            rec["alert_id"] = r.get("alert_id")
            rec["alert_dimension"] = r.get("alert_dimension")
        recs.append(rec)
    return recs


def find(frame: pd.DataFrame, alerts: Optional[list[dict[str, Any]]] = None,
         settings: Optional[FindingSettings] = None) -> pd.DataFrame:
    """Candidates from every signal -> significant, material, deduplicated, ranked findings (top ``max_items``)."""
    settings = settings or FindingSettings()
    dims = [d for d in DIMENSIONS if settings.include_intents or d != "intent"]
    cands = candidates(frame, dimensions=dims, min_contacts=settings.min_contacts)
    ranked = select(cands, settings)
    al = alert_candidates(alerts or [], include_intents=settings.include_intents)
    if not al.empty:
        al = al[al["excess"] > 0]
        ranked = pd.concat([ranked, al] if len(ranked) else [al], ignore_index=True)
        ranked = ranked.sort_values("excess", ascending=False, kind="stable")
        ranked = ranked.reset_index(drop=True)
    return deduplicate(ranked, settings.jaccard).head(settings.max_items)


def journey_friction(friction: Optional[pd.DataFrame], journeys: Optional[pd.DataFrame], *, top: int = 8,
                     label: Any = str) -> list[dict[str, Any]]:
    """Event logs without contacts (nothing to compare a rate with): the friction kinds by the number of
    journeys they touch, largest first, as finding records with the counts behind them (no test)."""
    if friction is None or friction.empty or not {"journey_id", "kind"} <= set(friction.columns):
        return []
    total = int(journeys["journey_id"].nunique()) if journeys is not None and "journey_id" in journeys.columns \
        else int(friction["journey_id"].nunique())
    g = friction.groupby(friction["kind"].astype(str)).agg(journeys=("journey_id", "nunique"), n=("journey_id", "size"))
    g = g.sort_values(["journeys", "n"], ascending=False).head(top)
    out = []
    for kind, r in g.iterrows():
        share = r["journeys"] / total if total else None
        out.append({"rank": len(out) + 1, "kind": "friction", "signal": "friction_kind", "value": kind,
                    "label": label(kind), "outcome": "journeys",
                    "title": f"Friction: {label(kind)}",
                    "detail": f"{int(r['n']):,} occurrences in {int(r['journeys']):,} of {total:,} journeys ({_pct(share)}); "
                              "no contacts table in this folder, so no rate is compared with the rest.",
                    "action": FRICTION_ADVICE.get(kind, "Inspect the journeys listed in the friction section."),
                    "impact": float(r["journeys"]),
                    "evidence": {"n": total, "hits": int(r["journeys"]), "rate": share, "overall": None, "lift": None,
                                 "excess": None, "p_value": None, "q_value": None},
                    "also": [], "contacts": 0, "quotes": []})
    return out
