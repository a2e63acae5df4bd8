"""Journey segments (archetypes): k-means on what each whole journey did.

Features per journey: the share of its steps that are each of the ``top_steps`` most common
steps, log steps, log duration, and where contacts exist their share of steps and the share of
each frequent intent and topic among them (the text side). Standardised, reduced by PCA (at most
20 components), clustered by k-means for every k in k_min..k_max; k is the one with the highest
silhouette (on at most 3000 journeys). Stability: the chosen k is refitted on bootstrap samples
and the adjusted Rand index between each refit's labels of all journeys and the chosen labels is
reported (1 = the same segments every time; below ~0.6 the segments are not to be relied on).

Segments are numbered by size (0 = largest). Each profile: size and share, a typical path (the
journey nearest the segment's centre), distinctive steps (highest share relative to all journeys),
top intents, outcome rates, repeat-contact and contact rates, mean friction score, median steps and
duration, and one plain-language line."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.preprocessing import StandardScaler

from voc.config import JourneyConfig
from voc.errors import Errors, VocError
from voc.journey.predict.timeline import prepare

SILHOUETTE_SAMPLE = 3000
PATH_STEPS = 8
UNSTABLE_BELOW = 0.6


@dataclass
class SegmentResult:
    segments: pd.DataFrame           # journey_id, segment_id
    profiles: pd.DataFrame
    info: dict[str, Any]
    warnings: list[dict[str, Any]] = field(default_factory=list)


def empty_segments() -> pd.DataFrame:
    return pd.DataFrame({"journey_id": pd.Series([], dtype=str), "segment_id": pd.Series([], dtype="int64")})


PROFILE_COLUMNS = ["segment_id", "journeys", "share", "description", "typical_path", "distinctive_steps", "top_intents",
                   "contact_rate", "repeat_rate", "friction_score", "median_steps", "median_duration_days"]


def empty_profiles() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="int64" if c in ("segment_id", "journeys") else
                                      (float if c in ("share", "contact_rate", "repeat_rate", "friction_score",
                                                      "median_steps", "median_duration_days") else str))
                         for c in PROFILE_COLUMNS})


def _shares(df: pd.DataFrame, col: str, vocab: list[str], prefix: str, index: pd.Index, denom: pd.Series) -> pd.DataFrame:
    if not vocab:
        return pd.DataFrame(index=index)
    t = df[df[col].isin(vocab)].groupby(["journey_id", col]).size().unstack(fill_value=0)
    t = t.reindex(index=index, columns=vocab, fill_value=0).fillna(0).astype(float)
    t = t.div(denom.reindex(index).replace(0, np.nan), axis=0).fillna(0.0)
    t.columns = [f"{prefix}{v}" for v in vocab]
    return t


def journey_matrix(tl: pd.DataFrame, top_steps: int, top_categories: int = 15) -> pd.DataFrame:
    """The clustering features of each journey (index journey_id, sorted)."""
    g = tl.groupby("journey_id", sort=True)
    idx = g.size().index
    n = g.size().astype(float)
    steps = tl.groupby("event")["journey_id"].nunique().sort_values(ascending=False, kind="stable")
    vocab = [str(s) for s in steps.index[:top_steps]]
    X = pd.DataFrame(index=idx)
    X["log_steps"] = np.log1p(n)
    X["log_duration_h"] = np.log1p((g["t"].max() - g["t"].min()) / 3600.0)
    parts = [X, _shares(tl, "event", vocab, "step:", idx, n)]
    c = tl[tl["kind"] == "contact"]
    if len(c):
        nc = c.groupby("journey_id").size().reindex(idx).fillna(0).astype(float)
        C = pd.DataFrame({"contact_share": nc / n}, index=idx)
        intents = c["intent"].dropna().value_counts().index[:top_categories].astype(str).tolist()
        topics = c["topic_label"].dropna().value_counts().index[:top_categories].astype(str).tolist()
        parts += [C, _shares(c, "intent", intents, "intent:", idx, nc), _shares(c, "topic_label", topics, "topic:", idx, nc)]
    out = pd.concat(parts, axis=1)
    return out.loc[:, out.nunique() > 1] if len(out) > 1 else out


def _embed(X: pd.DataFrame, seed: int) -> np.ndarray:
    Z = StandardScaler().fit_transform(X.to_numpy(dtype=float))
    n_comp = int(min(20, Z.shape[1], max(Z.shape[0] - 1, 1)))
    if n_comp >= 2 and Z.shape[1] > n_comp:
        Z = PCA(n_components=n_comp, random_state=seed).fit_transform(Z)
    return Z


def choose_k(Z: np.ndarray, k_min: int, k_max: int, seed: int) -> tuple[int, dict[int, float], np.ndarray]:
    rng = np.random.default_rng(seed)
    sample = rng.choice(len(Z), SILHOUETTE_SAMPLE, replace=False) if len(Z) > SILHOUETTE_SAMPLE else np.arange(len(Z))
    sil: dict[int, float] = {}
    labels: dict[int, np.ndarray] = {}
    n_distinct = len(np.unique(np.round(Z, 9), axis=0))   # k-means cannot make more clusters than distinct journeys
    for k in range(k_min, min(k_max, len(Z) - 1, n_distinct) + 1):
        lab = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(Z)
        if len(np.unique(lab[sample])) < 2:
            continue
        sil[k] = round(float(silhouette_score(Z[sample], lab[sample])), 4)
        labels[k] = lab
    if not sil:
        return 0, sil, np.zeros(len(Z), dtype=int)
    best = max(sil, key=lambda k: (sil[k], -k))
    return best, sil, labels[best]


def stability(Z: np.ndarray, k: int, labels: np.ndarray, runs: int, seed: int) -> list[float]:
    """ARI between the chosen labels and k-means refitted on bootstrap samples (labels of all journeys)."""
    rng = np.random.default_rng(seed + 1)
    out = []
    for r in range(runs):
        take = rng.choice(len(Z), len(Z), replace=True)
        km = KMeans(n_clusters=k, n_init=5, random_state=seed + 1 + r).fit(Z[take])
        out.append(round(float(adjusted_rand_score(labels, km.predict(Z))), 4))
    return out


def _fmt_days(d: float) -> str:
    if d != d:
        return "n/a"
    return f"{d * 24:.1f} hours" if d < 1 else f"{d:.1f} days"


def profile(tl: pd.DataFrame, seg: pd.Series, journeys: Optional[pd.DataFrame], Z: np.ndarray, jids: pd.Index) -> pd.DataFrame:
    g = tl.groupby("journey_id", sort=True)
    n_steps = g.size().astype(float)
    dur_days = (g["t"].max() - g["t"].min()) / 86400.0
    rows_of = g.indices     # journey -> positions of its rows, in timeline order

    def first_steps(jid: Any) -> str:   # a segment's typical path: only its medoid's is ever shown
        if jid not in rows_of:
            return ""
        s = tl["event"].iloc[rows_of[jid]]
        return " > ".join(map(str, s.iloc[:PATH_STEPS])) + (" > ..." if len(s) > PATH_STEPS else "")

    step_share = tl.groupby("event")["journey_id"].nunique() / max(len(n_steps), 1)
    jn = journeys.set_index(journeys["journey_id"].astype(str)) if journeys is not None and len(journeys) else None
    outcome_cols = [c for c in (jn.columns if jn is not None else []) if str(c).startswith("reached_")]
    contacts = tl[tl["kind"] == "contact"]
    has_contact = contacts.groupby("journey_id").size().reindex(n_steps.index).fillna(0) > 0
    rows = []
    overall: dict[str, float] = {}
    for c in outcome_cols:
        overall[c] = float(jn[c].astype("boolean").fillna(False).astype(bool).mean())
    fr_all = (float(pd.to_numeric(jn["friction_score"], errors="coerce").mean())
              if jn is not None and "friction_score" in jn else np.nan)
    for sid in sorted(seg.unique()):
        members = seg.index[seg == sid]
        pos = np.flatnonzero(jids.isin(members))
        centre = Z[pos].mean(axis=0)
        medoid = jids[pos[np.argmin(((Z[pos] - centre) ** 2).sum(axis=1))]]
        share_in = tl[tl["journey_id"].isin(members)].groupby("event")["journey_id"].nunique() / len(members)
        lift = (share_in / step_share.reindex(share_in.index)).where(share_in >= 0.3)
        distinctive = [str(s) for s in lift.dropna().sort_values(ascending=False, kind="stable").index[:3]]
        ints = contacts[contacts["journey_id"].isin(members)]["intent"].dropna().value_counts().head(3)
        row: dict[str, Any] = {
            "segment_id": int(sid), "journeys": int(len(members)), "share": len(members) / len(seg),
            "typical_path": first_steps(medoid), "distinctive_steps": ", ".join(distinctive),
            "top_intents": ", ".join(f"{k} ({v})" for k, v in ints.items()),
            "contact_rate": float(has_contact.reindex(members).mean()),
            "repeat_rate": np.nan, "friction_score": np.nan,
            "median_steps": float(n_steps.reindex(members).median()),
            "median_duration_days": float(dur_days.reindex(members).median()),
        }
        if jn is not None:
            m = jn.reindex(members)
            if "n_repeat_contacts" in m:
                contacted = m[pd.to_numeric(m.get("n_contacts"), errors="coerce").fillna(0) > 0]
                row["repeat_rate"] = (float((pd.to_numeric(contacted["n_repeat_contacts"], errors="coerce").fillna(0) > 0).mean())
                                      if len(contacted) else np.nan)
            if "friction_score" in m:
                row["friction_score"] = float(pd.to_numeric(m["friction_score"], errors="coerce").mean())
            for c in outcome_cols:
                row[f"rate_{c[len('reached_'):]}"] = float(m[c].astype("boolean").fillna(False).astype(bool).mean())
        line = (f"{row['share']:.0%} of journeys ({row['journeys']:,}): "
                + (f"marked by {', '.join(distinctive)}; " if distinctive else "")
                + f"median {row['median_steps']:.0f} steps over {_fmt_days(row['median_duration_days'])}")
        if len(contacts):
            line += f"; {row['contact_rate']:.0%} contact support" + (f" (mostly {ints.index[0]})" if len(ints) else "")
        for c in outcome_cols:
            name = c[len("reached_"):]
            line += f"; {name} {row['rate_' + name]:.0%} (all {overall[c]:.0%})"
        if row["friction_score"] == row["friction_score"] and fr_all == fr_all:
            line += f"; friction {row['friction_score']:.0f} (all {fr_all:.0f})"
        row["description"] = line + "."
        rows.append(row)
    df = pd.DataFrame(rows)
    lead = [c for c in PROFILE_COLUMNS if c in df.columns]
    return df[lead + [c for c in df.columns if c not in lead]]


def segment_journeys(timeline: pd.DataFrame, config: JourneyConfig, journeys: Optional[pd.DataFrame] = None) -> SegmentResult:
    sc = config.segments
    tl = prepare(timeline)
    warnings: list[dict[str, Any]] = []
    n = tl["journey_id"].nunique()
    if n < max(sc.min_journeys, sc.k_min + 2):
        w = VocError(Errors.E334, n=n, what="segments", need=max(sc.min_journeys, sc.k_min + 2)).as_dict()
        return SegmentResult(empty_segments(), empty_profiles(), {"status": "too_few", "warning": "E334", "journeys": n}, [w])
    X = journey_matrix(tl, sc.top_steps)
    if X.shape[1] == 0:
        w = VocError(Errors.E334, n=n, what="segments (every journey looks the same)", need="two different").as_dict()
        return SegmentResult(empty_segments(), empty_profiles(), {"status": "no_variation", "warning": "E334"}, [w])
    Z = _embed(X, sc.seed)
    k, sil, lab = choose_k(Z, sc.k_min, max(sc.k_min, sc.k_max), sc.seed)
    if k == 0:
        w = VocError(Errors.E334, n=n, what=f"{sc.k_min}+ segments (too few distinct journeys)", need=sc.k_min).as_dict()
        return SegmentResult(empty_segments(), empty_profiles(), {"status": "no_variation", "warning": "E334"}, [w])
    ari = stability(Z, k, lab, sc.stability_runs, sc.seed)
    # number segments by size, largest first
    sizes = pd.Series(lab).value_counts()
    order = {old: new for new, old in enumerate(sorted(sizes.index, key=lambda s: (-sizes[s], s)))}
    seg = pd.Series([order[v] for v in lab], index=X.index, name="segment_id").astype("int64")
    profiles = profile(tl, seg, journeys, Z, X.index)
    info = {"status": "ok", "k": int(k), "criterion": "highest silhouette over k_min..k_max "
                                                      "(euclidean, standardised + PCA features)",
            "silhouette": {str(kk): v for kk, v in sil.items()}, "stability_ari": ari,
            "stability_ari_mean": round(float(np.mean(ari)), 4), "stability_ari_min": round(float(np.min(ari)), 4),
            "n_features": int(X.shape[1]), "journeys": int(n), "uses_text": bool((tl["kind"] == "contact").any())}
    if info["stability_ari_mean"] < UNSTABLE_BELOW:
        warnings.append(VocError(Errors.E335, k=k, ari=info["stability_ari_mean"], cut=UNSTABLE_BELOW).as_dict())
        info["warning"] = "E335"
    out = seg.reset_index().rename(columns={"index": "journey_id"})
    out["journey_id"] = out["journey_id"].astype(str)
    return SegmentResult(out[["journey_id", "segment_id"]], profiles, info, warnings)
