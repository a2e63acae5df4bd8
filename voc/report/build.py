"""Assemble the report's content (sections of figures, tables, quotes and notes) from the inputs.
A section whose inputs are missing says what is missing and which command produces it."""
from __future__ import annotations

from typing import Any, Optional

import pandas as pd

from voc.config import ReportConfig
from voc.report import actions, figures, findings_store, metrics, paths, quotes, topic_card
from voc.report.content import HOW_JOURNEYS, Section, Table, df_table  # noqa: F401  (Table: part of this module's API)
from voc.report.inputs import ReportInputs
from voc.report.journey_models import journey_warnings
from voc.report.journey_models import sections as journey_model_sections
from voc.report.labels import cell, label
from voc.report.sequence_sections import sequence_sections
from voc.report.timeline_source import timeline_of

HOW_NLP = ("Run `voc analyze` with the intent and sentiment steps (on by default; see `pipeline` in "
           "`voc config show`).")
HOW_TOPICS = "Run `voc analyze` with topics on (default; needs at least a few hundred contacts)."


def intent_section(inp: ReportInputs, cfg: ReportConfig, *, fits: bool = True) -> Section:
    s = Section("intent", "Why customers contact you" if fits else "Intents (the taxonomy does not fit this data)",
                "Contacts per intent, split by the sentiment of what the customer wrote." if fits else
                "Contacts per intent of the configured taxonomy. It does not fit these contacts (see the warning at the "
                "top), so intents are not used for the findings; read the topics above instead.")
    c = inp.get("contacts")
    if c is None:
        s.missing = "No contacts table in this folder. Run `voc analyze` on your help-desk exports."
        return s
    if "intent" in c.columns:
        c = c.assign(intent=c["intent"].map(label).where(c["intent"].notna()))
    has_int, has_sent = inp.has("contacts", "intent"), inp.has("contacts", "sentiment")
    if not has_int and not has_sent:
        s.missing = "The contacts table has no intent or sentiment columns. " + HOW_NLP
        return s
    if not has_int:
        c = c.assign(intent="unknown")
        s.intro += " (No intent column: all contacts are shown as 'unknown'. " + HOW_NLP + ")"
    s.figures.append(("Contacts by intent and sentiment", figures.intent_sentiment_bars(metrics.intent_sentiment(c, cfg.top_n))))
    card = metrics.intent_scorecard(inp, min_contacts=1)
    if not card.empty:
        card = card.copy()
        if "mean_sentiment" in card.columns:
            card["mean_sentiment"] = card["mean_sentiment"].map(lambda v: f"{v:+.2f}" if v == v else "")
        s.tables.append(df_table(card, cfg.max_rows, "Per intent: volume, sentiment (-1..+1), repeat-contact rate and "
                                 "first-contact resolution (of the contacts with a known customer), friction rate. "
                                 "Definitions: see 'What each figure means'."))
    return s


def repeat_section(inp: ReportInputs, cfg: ReportConfig) -> Section:
    s = Section("repeat", "Repeat contacts",
                "Share of contacts that came back after an earlier contact by the same customer: "
                "high rates point at answers that did not resolve the issue.")
    rt, source = metrics.repeat_table(inp)
    if rt is None:
        s.missing = ("Repeat contacts need customer ids and timestamps on the contacts, or the journey tables. "
                     + HOW_JOURNEYS)
        return s
    if source == "contacts":
        s.intro += (" Computed from the contacts alone (no event logs joined), with the same definitions: customers "
                    "that only the event logs would link are not matched.")
    overall = metrics.headline(inp)["repeat_contact_rate"]
    for by, color in (("intent", "#2f6db5"), ("channel", "#7c5cb8")):
        if by in rt.columns and rt[by].notna().any():
            df = metrics.repeat_by(rt, by, top=cfg.top_n)
            if not df.empty:
                df = df.assign(**{by: df[by].map(label)})
                s.figures.append((f"Repeat-contact rate by {by} (of the contacts with a known customer)",
                                  figures.rate_bars(df, by, color=color, overall=overall)))
    rs = inp.get("repeat_summary")
    if rs is not None and not rs.empty:
        rs = rs[rs["dimension"].astype(str) != "topic"] if "dimension" in rs.columns else rs
        if "value" in rs.columns:
            rs = rs.assign(value=rs["value"].map(label))
        s.tables.append(df_table(rs, cfg.max_rows, "Repeat-contact rate, same-issue repeat rate and first-contact "
                                 "resolution by intent and channel ('all': the headline figures)."))
    return s


def _growth_text(g: object) -> str:
    return "" if g is None or g != g else f"{g:.1f}x expected"


def topics_section(inp: ReportInputs, cfg: ReportConfig, *, leads: bool = False) -> Section:
    """Topics get the treatment intents get: per topic volume, negative share, repeat rate and trend, the
    fastest-growing topics, and what customers wrote in the largest ones."""
    s = Section("topics", "Topics: what contacts are about" if leads else "Topics",
                "What contacts are about, found without labels (BERTopic) in your own contacts: per topic its size, "
                "negative share, repeat-contact rate and trend, the fastest-growing topics, and what customers wrote.")
    tot, top, c = inp.get("topics_over_time"), inp.get("topics"), inp.get("contacts")
    if tot is None and top is None and (c is None or topic_card.topic_of(c) is None):
        s.missing = "No topic tables in this folder. " + HOW_TOPICS
        return s
    growth = topic_card.topic_growth(inp.get("trends"), tot)
    card = pd.DataFrame()
    if c is not None:
        flags, _ = metrics.repeat_table(inp)
        card = topic_card.topic_scorecard(c, flags, growth)
    if not card.empty:
        neg = card.set_index("topic")["share_negative"] if "share_negative" in card.columns else None
        tab = card.head(cfg.top_n).iloc[::-1]
        if neg is not None:
            s.figures.append(("Contacts per topic, negative share", figures.rate_bars(
                tab.assign(topic=tab["topic"].map(label)), "topic", rate="share_negative", color="#d6453d",
                overall=metrics.headline(inp)["share_negative"])))
        shown = card.copy()
        if "trend" in shown.columns:
            shown["trend"] = shown["trend"].map(_growth_text)
        keep = [k for k in ("topic", "contacts", "share", "share_negative", "repeat_rate", "trend") if k in shown.columns]
        s.tables.append(df_table(shown[keep], cfg.max_rows,
                                 "Per topic (outliers left out): contacts, share of all contacts, negative share, "
                                 "repeat-contact rate (of the contacts with a known customer) and trend (contacts in the "
                                 "latest complete period against what the topic's baseline share would give)."))
    fast = topic_card.fastest_growing(growth, min_contacts=max(3, cfg.min_contacts // 2))
    if not fast.empty:
        fast = fast.assign(growth=fast["growth"].map(_growth_text), topic=fast["topic"].map(label))
        s.tables.append(df_table(fast.rename(columns={"period_contacts": "contacts in period",
                                                      "expected": "expected contacts"}), cfg.max_rows,
                                 "Fastest-growing topics in the latest complete period."))
    if tot is not None and {"bin_start", "count"} <= set(tot.columns) and not tot.empty:
        s.figures.append(("Contacts per topic over time", figures.topics_over_time(tot)))
    msgs = inp.get("messages")
    if not card.empty and msgs is not None and cfg.max_quotes:
        t = topic_card.topic_of(c)
        ids = c["contact_id"].astype(str)
        for _, r in card.head(6).iterrows():
            meta = [f"{int(r['contacts']):,} contacts ({metrics.fmt_pct(r['share'])})"]
            if "share_negative" in r and r["share_negative"] == r["share_negative"]:
                meta.append(f"{metrics.fmt_pct(r['share_negative'])} negative")
            if "repeat_rate" in r and r["repeat_rate"] == r["repeat_rate"]:
                meta.append(f"{metrics.fmt_pct(r['repeat_rate'])} repeat")
            if "trend" in r and r["trend"] == r["trend"]:
                meta.append(_growth_text(r["trend"]))
            s.cards.append({"title": label(r["topic"]), "meta": meta, "steps": [], "path": "", "evidence": [],
                            "quotes": quotes.quotes_for(msgs, ids[(t == r["topic"]).fillna(False).to_numpy()], cfg.max_quotes)})
    if top is not None and not top.empty and {"keywords", "label"} <= set(top.columns):
        t2 = top[pd.to_numeric(top["topic_id"], errors="coerce") != -1] if "topic_id" in top.columns else top
        t2 = t2.sort_values("size", ascending=False) if "size" in t2.columns else t2
        keep = [k for k in ("label", "size", "keywords") if k in t2.columns]
        s.tables.append(df_table(t2[keep], cfg.max_rows, "Keywords of each topic (outliers, topic -1, left out)."))
    return s


def friction_section(inp: ReportInputs, cfg: ReportConfig) -> Section:
    s = Section("friction", "Friction journeys",
                "Journeys where something went wrong around the contact, most severe first, with what the customer wrote.")
    fr, jn, msgs, src = inp.get("friction"), inp.get("journeys"), inp.get("messages"), timeline_of(inp)
    if fr is None and (jn is None or "friction_score" not in jn.columns):
        return negative_contacts_section(inp, cfg, s)
    if fr is not None and not fr.empty and "kind" in fr.columns:
        kinds = paths.friction_kinds(fr)
        hover = [f"mean severity {v:.2f}" for v in kinds["severity"]] if "severity" in kinds.columns else None
        s.figures.append(("Friction by kind (occurrences)",
                          figures.bars(kinds["kind"].map(label).tolist(), kinds["n"].astype(float).tolist(),
                                       color="#d6453d", xaxis_title="occurrences", hover=hover)))
    top = paths.top_friction_journeys(jn, fr, top=min(cfg.max_rows, 6))
    if not top.empty and top["evidence"].isna().any():   # friction loaded without its evidence column
        ev = paths.friction_evidence(inp.paths.get("friction"), top["journey_id"].tolist())
        top["evidence"] = [e if isinstance(e, list) else ev.get(str(j), []) for j, e in zip(top["journey_id"], top["evidence"])]
    contacts_of: dict[str, list[str]] = {}
    # only the timeline rows of the journeys shown (around their contacts), whatever the number of contacts
    tl = src.journeys(top["journey_id"]) if src is not None and not top.empty else None
    if tl is not None and "contact_id" in tl.columns and not top.empty:
        sub = tl[tl["journey_id"].isin(top["journey_id"]) & tl["contact_id"].notna()]
        contacts_of = sub.groupby("journey_id")["contact_id"].agg(lambda x: [str(v) for v in x.unique()]).to_dict()
    for _, r in top.iterrows():
        cids = list(dict.fromkeys(list(r["contact_ids"]) + contacts_of.get(r["journey_id"], [])))
        around = paths.steps_around_contact(tl, r["journey_id"], cids[0] if cids else None) if tl is not None else []
        s.cards.append({
            "title": f"Journey {quotes.safe_id(r['journey_id'])}",
            "meta": [f"friction score {r['friction_score']:.0f} of 100", ", ".join(label(k) for k in r["kinds"])]
                    + ([f"{int(r['n_contacts'])} contacts"] if pd.notna(r.get("n_contacts")) else [])
                    + ([f"last intent: {label(r['last_intent'])}"] if isinstance(r.get("last_intent"), str) else []),
            "steps": around,
            "path": "" if around else (r.get("path") if isinstance(r.get("path"), str) else ""),
            "evidence": r["evidence"],
            "quotes": quotes.quotes_for(msgs, cids, cfg.max_quotes),
        })
    if not s.cards and not s.figures:
        s.missing = "No friction was found in the journeys."
    return s


def negative_contacts_section(inp: ReportInputs, cfg: ReportConfig, s: Section) -> Section:
    """Without journeys: the most negative contacts, so the leader still reads the customers' words."""
    c, msgs = inp.get("contacts"), inp.get("messages")
    s.title = "Most negative contacts"
    s.intro = ("No journey tables here, so friction journeys cannot be shown. " + HOW_JOURNEYS +
               " Meanwhile, the contacts with the most negative customer sentiment:")
    if c is None or msgs is None or "sentiment_score" not in c.columns or c["sentiment_score"].isna().all():
        s.missing = "No journey tables, and no sentiment scores to rank contacts by. " + HOW_JOURNEYS + " " + HOW_NLP
        s.intro = ""
        return s
    worst = c.dropna(subset=["sentiment_score"]).sort_values("sentiment_score").head(min(cfg.max_rows, 8))
    q = quotes.quote_per_contact(msgs, worst["contact_id"].astype(str))
    for _, r in worst.iterrows():
        cid = str(r["contact_id"])
        meta = [f"sentiment {r['sentiment_score']:+.2f}"]
        for col in ("channel", "intent", "topic_label"):
            if isinstance(r.get(col), str):
                meta.append(f"{col.replace('_label', '')}: {label(r[col]) if col == 'intent' else r[col]}")
        s.cards.append({"title": f"Contact {quotes.safe_id(cid)}", "meta": meta, "path": "", "steps": [], "evidence": [],
                        "quotes": [{"contact_id": cid, "text": q[cid]}] if cid in q.index and cfg.max_quotes else []})
    return s


def contact_paths(inp: ReportInputs, cfg: ReportConfig) -> pd.DataFrame:
    src, tr = timeline_of(inp), inp.get("transitions")
    if src is not None:
        p = src.paths_to_contact(cfg.steps_before_contact)   # over every contact (in DuckDB for a Parquet timeline)
        if not p.empty:
            return p
    if tr is not None:
        return paths.paths_from_transitions(tr)
    return pd.DataFrame()


def paths_section(inp: ReportInputs, cfg: ReportConfig, cpaths: pd.DataFrame) -> Section:
    s = Section("paths", "Paths that lead to contact",
                f"The last {cfg.steps_before_contact} steps customers took before contacting support "
                "(red: contacts; '(start)': the journey began there).")
    if timeline_of(inp) is None and inp.get("transitions") is None:
        s.missing = "No timeline or transitions table here. " + HOW_JOURNEYS
        return s
    if cpaths.empty:
        s.missing = "The journeys hold no contact steps: no contact could be matched to a customer's events."
        return s
    if timeline_of(inp) is None:
        s.intro = "The step right before each contact (from the transitions table; a timeline table gives longer paths)."
    s.figures.append(("Paths into contacts", figures.sankey(cpaths, top_per_level=min(cfg.top_n, 10))))
    before = paths.steps_before_contact(cpaths, top=cfg.top_n)
    before = before.assign(share=before["share"].map(metrics.fmt_pct))
    s.tables.append(df_table(before, cfg.max_rows, "Step right before a contact."))
    return s


def transitions_section(inp: ReportInputs, cfg: ReportConfig) -> Section:
    s = Section("transitions", "Step-to-step transitions",
                "Probability of each next step (row: current step), over the busiest steps.")
    tr = inp.get("transitions")
    if tr is None or tr.empty or not {"from_step", "to_step", "count"} <= set(tr.columns):
        s.missing = "No transitions table here. " + HOW_JOURNEYS
        return s
    prob, cnt = paths.transition_matrix(tr, cfg.top_n)
    s.figures.append(("Transition probabilities", figures.heatmap(prob, cnt)))
    pt = inp.get("patterns")
    if pt is not None and not pt.empty:
        sort = [c for c in ("lift", "support", "count") if c in pt.columns][:1]
        pt = pt.sort_values(sort, ascending=False) if sort else pt
        # E325: a cut mined on a sample of journeys (journey.patterns_max_sequences) says so under its table
        sampled = " ".join(journey_warnings(inp, "E325"))
        s.tables.append(df_table(pt, cfg.max_rows, "Frequent step patterns (highest lift first)."
                                 + (f" {sampled}" if sampled else "")))
    return s


JOURNEY_COUNT_LABELS = {
    "customers": "customers in the event logs (with or without a contact)", "journeys": "journeys",
    "contacts": "contacts joined", "contacts_matched": "contacts linked to a customer",
    "contacts_keyed": "contacts with no customer id, grouped by their own e-mail or phone",
    "contacts_unmatched": "contacts linked to no customer (a journey of their own)",
    "match_rate": "share of contacts linked to a customer", "repeat_contacts": "repeat contacts",
    "event_match_rate": "share of contacts found in the event log", "contacts_with_events": "contacts found in the event log",
    "case_based": "case-based log (one journey per case)", "timeline_rows": "timeline rows",
}


def journey_counts(counts: Any) -> list[tuple[str, Any]]:
    """journey_run.json counts as readable rows (lists and nested dicts summarised, not printed raw)."""
    if not isinstance(counts, dict):
        return []
    rows: list[tuple[str, Any]] = []
    for k, v in counts.items():
        if k == "frictions" and isinstance(v, dict):
            rows.append(("friction found", ", ".join(f"{label(a)} {b:,}" for a, b in v.items()) or "none"))
        elif k == "event_files" and isinstance(v, list):
            rows.append(("event files", ", ".join(str(f.get("path", "")) if isinstance(f, dict) else str(f) for f in v)))
        elif not isinstance(v, (dict, list)):
            rows.append((JOURNEY_COUNT_LABELS.get(k, label(k)), cell(k, v)))
    return rows


def run_warnings(inp: ReportInputs) -> list[list[str]]:
    """Every warning of the run (run.json, then journey_run.json for `voc journeys` on its own), once each:
    [code, what, fix]. The report lists them all, so nothing the terminal said is missing here."""
    rows: list[list[str]] = []
    seen: set[tuple[str, str]] = set()
    for source in ((inp.run or {}).get("warnings"), inp.journey_run.get("warnings")):
        for w in source or []:
            if not isinstance(w, dict):
                continue
            text = str(w.get("message") or w.get("reason") or "").strip()
            key = (str(w.get("code", "")), text.rstrip("."))
            if key in seen:
                continue
            seen.add(key)
            rows.append([str(w.get("code", "")), text, str(w.get("fix") or "")])
    return rows


def quality(inp: ReportInputs, cfg: ReportConfig) -> dict[str, Any]:
    run = inp.run or {}
    counts = run.get("counts", {}) if isinstance(run.get("counts"), dict) else {}
    return {
        "inputs": [(label(k), cell(k, v)) for k, v in counts.items() if not isinstance(v, (dict, list))],
        "files_by_format": counts.get("files_by_format", {}),
        "rejects": df_table(metrics.rejects_by_reason(inp), cfg.max_rows) if inp.rejects is not None else None,
        "rejects_path": str(inp.paths["rejects"]) if "rejects" in inp.paths else "",
        "versions": sorted((run.get("versions") or {}).items()) if isinstance(run.get("versions"), dict) else [],
        "journey_counts": journey_counts(inp.journey_run.get("counts")),
        "warnings": run_warnings(inp),
        "tables": [(name, str(p.name), inp.row_count(name)) for name, p in inp.paths.items()],
        "config": run.get("config"),
        "input": run.get("input", ""),
        "started_at": run.get("started_at", ""),
        "steps": run.get("steps", []),
    }


def _top_topic(inp: ReportInputs) -> Optional[tuple[str, float]]:
    c = inp.get("contacts")
    t = topic_card.topic_of(c) if c is not None else None
    if t is None or t.isna().all():
        return None
    vc = t.dropna().value_counts()
    return str(vc.index[0]), float(vc.iloc[0] / len(c))


def build(inp: ReportInputs, cfg: ReportConfig) -> dict[str, Any]:
    cpaths = contact_paths(inp, cfg)
    fit = actions.taxonomy_fit(inp, cfg)
    fits = fit.get("fits") is not False
    intents = intent_section(inp, cfg, fits=fits)
    topics = topics_section(inp, cfg, leads=not fits)
    # the taxonomy does not fit: topics lead, the intent chart comes after them
    lead = [intents, topics] if fits else [topics, intents]
    sections = [*lead, repeat_section(inp, cfg), friction_section(inp, cfg),
                paths_section(inp, cfg, cpaths), transitions_section(inp, cfg), *sequence_sections(inp, cfg)]
    sections += journey_model_sections(inp, cfg)
    return {
        "headline": metrics.headline(inp),
        "actions": actions.what_to_act_on(inp, cfg),
        "data_note": actions.data_note(inp),
        "taxonomy_fit": fit,
        "findings_settings": findings_store.load(inp, cfg)["settings"],
        "top_topic": _top_topic(inp),
        "sections": sections,
        "quality": quality(inp, cfg),
    }
