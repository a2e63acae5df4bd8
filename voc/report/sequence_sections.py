"""Report sections for the sequence statistics the journey step computes (voc.sequences): the funnel,
the time between steps, the steps whose removal costs an outcome most (removal effects), and the
most common whole-journey variants. Each shows what was computed, in readable units."""
from __future__ import annotations

from voc.config import ReportConfig
from voc.report import figures
from voc.report.content import Section, df_table
from voc.report.inputs import ReportInputs
from voc.report.labels import duration, label, pct

HOW = "Join event logs (`--events` or `voc journeys`) with `journey.{key}` set in the config."


def funnel_section(inp: ReportInputs, cfg: ReportConfig) -> Section:
    s = Section("funnel", "Funnel", "Journeys reaching each step of the configured funnel, in order.")
    f = inp.get("funnel")
    if f is None or f.empty:
        s.missing = "No funnel here. " + HOW.format(key="funnel")
        return s
    f = f.sort_values("step_index")
    text = [f"{int(n):,} ({pct(c)})" for n, c in zip(f["journeys"], f["conversion_from_start"])]
    s.figures.append(("Journeys at each funnel step",
                      figures.bars(f["step"].astype(str).tolist(), f["journeys"].astype(float).tolist(),
                                   color="#2f6db5", xaxis_title="journeys", text=text)))
    keep = [c for c in ("step_index", "step", "journeys", "conversion_from_start", "drop_off_from_previous",
                        "median_s_from_previous", "warning") if c in f.columns]
    t = f[keep]
    if "warning" in t.columns and t["warning"].isna().all():
        t = t.drop(columns="warning")
    total = int(f["total_journeys"].iloc[0]) if "total_journeys" in f.columns and len(f) else None
    s.tables.append(df_table(t, cfg.max_rows, f"Out of {total:,} journeys." if total else ""))
    return s


def step_times_section(inp: ReportInputs, cfg: ReportConfig, *, min_n: int = 5) -> Section:
    s = Section("step-times", "Time between steps",
                 f"The slowest step-to-step transitions (median time, at least {min_n} occurrences).")
    st = inp.get("step_times")
    if st is None or st.empty:
        s.missing = "No step times here. Join event logs (`--events` or `voc journeys`)."
        return s
    d = st.copy()
    if "kind" in d.columns and (d["kind"] == "transition").any():
        d = d[d["kind"] == "transition"]
    d = d[d["n"] >= min_n] if (d["n"] >= min_n).any() else d
    d = d.sort_values("median_s", ascending=False).head(min(cfg.top_n, cfg.max_rows))
    names = [f"{a} → {b}" for a, b in zip(d["from_step"], d["to_step"])]
    s.figures.append(("Median time between steps (hours)",
                      figures.bars(names, (d["median_s"] / 3600.0).round(1).tolist(), color="#e08a2c",
                                   xaxis_title="hours (median)", text=[duration(v) for v in d["median_s"]])))
    keep = [c for c in ("from_step", "to_step", "n", "median_s", "p90_s") if c in d.columns]
    s.tables.append(df_table(d[keep], cfg.max_rows))
    return s


def removal_section(inp: ReportInputs, cfg: ReportConfig) -> Section:
    s = Section("removal", "Steps that matter for each outcome",
                 "Removal effect: the share of an outcome's conversions a first-order Markov model of the journeys "
                 "loses when the step is taken out; reach probability: the model's chance of reaching the outcome "
                 "from the step. Both are modelled, not counted.")
    op = inp.get("outcome_paths")
    if op is None or op.empty or "removal_effect" not in op.columns:
        s.missing = "No outcome paths here. " + HOW.format(key="outcomes")
        return s
    if any(c.startswith("observed") for c in op.columns):
        s.intro += " The observed columns count what the journeys through the step actually did."
    d = op[op["step"].astype(str) != "(start)"].dropna(subset=["removal_effect"])
    for outcome in list(dict.fromkeys(d["outcome"].astype(str)))[:3]:
        o = d[d["outcome"].astype(str) == outcome].sort_values("removal_effect", ascending=False).head(min(cfg.top_n, 10))
        if o.empty:
            continue
        s.figures.append((f"Removal effect on '{label(outcome)}'",
                          figures.bars(o["step"].astype(str).tolist(), o["removal_effect"].astype(float).tolist(),
                                       color="#7c5cb8", xaxis_title="removal effect", text=[pct(v) for v in o["removal_effect"]],
                                       percent=True)))
    extra = [c for c in op.columns if c.startswith("observed")]
    keep = [c for c in ("outcome", "step", "visits", "p_reach", "removal_effect", "attributed_share") if c in d.columns] + extra
    top = d.sort_values(["outcome", "removal_effect"], ascending=[True, False]).groupby("outcome", sort=False).head(8)
    s.tables.append(df_table(top[keep], cfg.max_rows, "Top steps per outcome by removal effect."))
    return s


def variants_section(inp: ReportInputs, cfg: ReportConfig) -> Section:
    s = Section("variants", "Most common journeys", "Whole journeys (variants), most frequent first.")
    v = inp.get("variants")
    if v is None or v.empty:
        s.missing = "No variants here. Join event logs (`--events` or `voc journeys`)."
        return s
    d = v.sort_values("rank") if "rank" in v.columns else v
    shared = d[d["journeys"] >= 2] if "journeys" in d.columns else d
    unique = int((d["journeys"] == 1).sum()) if "journeys" in d.columns else 0
    note = "Variants longer than journey.max_path_steps are cut with '… (+k more)'."
    if unique:
        note = (f"{unique:,} journeys follow a path no other journey does; they are left out here "
                "(variants.parquet lists them). ") + note
    if shared.empty:
        s.missing = f"No two journeys follow the same path ({unique:,} distinct journeys)."
        return s
    keep = [c for c in ("rank", "variant", "journeys", "share", "length") if c in shared.columns]
    s.tables.append(df_table(shared[keep], min(cfg.max_rows, 15), note))
    return s


def sequence_sections(inp: ReportInputs, cfg: ReportConfig) -> list[Section]:
    """The sequence sections that have data (none when no journey tables are here)."""
    if not any(inp.get(n) is not None for n in ("funnel", "step_times", "outcome_paths", "variants")):
        return []
    secs = [funnel_section(inp, cfg), step_times_section(inp, cfg), removal_section(inp, cfg), variants_section(inp, cfg)]
    return [x for x in secs if x.figures or x.tables or x.id != "funnel"]
