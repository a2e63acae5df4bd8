"""The 'what to act on' list: findings ranked by the number of contacts they stand for.

Each finding says what is wrong, how big it is against the overall rate, and a next step. Rate
findings are ranked by *excess contacts*: volume x (rate - overall rate), so a small intent with
a high rate does not outrank a large one with a slightly lower rate; intents below
``min_contacts`` are left out as too noisy to act on."""
from __future__ import annotations

from typing import Any, Optional

import pandas as pd

from voc.report import metrics, paths
from voc.report.labels import label
from voc.report.inputs import ReportInputs

FRICTION_ADVICE = {
    "escalation": "customers escalate to a costlier channel; check why the first channel could not resolve it",
    "loop": "customers repeat the same steps; look for a dead end or unclear next step in that flow",
    "error_before_contact": "an error shortly before the contact drives it; fixing the error removes the contact",
    "long_wait": "long waits between steps precede contacts; set expectations or speed up that step",
    "negative_end": "contacts end on a negative note; review the resolutions given",
    "abandonment_after_contact": "customers drop out after contacting support; follow up on unresolved cases",
}


def _finding(kind: str, title: str, detail: str, impact: float, action: str) -> dict[str, Any]:
    return {"kind": kind, "title": title, "detail": detail, "impact": float(impact), "action": action}


def _material(c: pd.DataFrame, rate: str, overall: float) -> pd.Series:
    """Worth a line: at least 2 excess contacts and a rate at least 5 points and 20% above overall."""
    return (c["excess"] >= 2) & (c[rate] >= overall + 0.05) & (c[rate] >= overall * 1.2)


def _worst_above(card: pd.DataFrame, rate: str, overall: float, top: int = 3, base: str = "contacts") -> pd.DataFrame:
    """The ``top`` intents whose ``rate`` is materially above ``overall``, by excess contacts
    (``base`` x (rate - overall), ``base`` being the number the rate is a share of), with that ``excess`` column."""
    c = card.dropna(subset=[rate])
    c = c.assign(excess=c[base] * (c[rate] - overall))
    return c[_material(c, rate, overall)].sort_values("excess", ascending=False).head(top)


def what_to_act_on(inp: ReportInputs, *, max_items: int = 8, min_contacts: int = 10,
                   contact_paths: Optional[pd.DataFrame] = None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    h = metrics.headline(inp)
    card = metrics.intent_scorecard(inp, min_contacts=min_contacts)
    if not card.empty:
        card = card[card["contacts"] >= min_contacts]
    window = metrics.repeat_window_days(inp)

    overall_rep = h.get("repeat_contact_rate")
    if overall_rep is not None and "repeat_rate" in card.columns:
        base = "repeat_base" if "repeat_base" in card.columns else "contacts"
        for _, r in _worst_above(card, "repeat_rate", overall_rep, base=base).iterrows():
            out.append(_finding(
                "repeat", f"Repeat contacts on '{label(r['intent'])}'",
                f"{100 * r['repeat_rate']:.0f}% of {int(r[base])} contacts are repeats, their customer having contacted "
                f"support in the {window:g} days before (overall {100 * overall_rep:.0f}%): "
                f"about {r['excess']:.0f} avoidable contacts.",
                r["excess"], "Review the answer, macro or help article used for this intent on first contact."))

    overall_neg = h.get("share_negative")
    if overall_neg is not None and "share_negative" in card.columns:
        for _, r in _worst_above(card, "share_negative", overall_neg).iterrows():
            out.append(_finding(
                "sentiment", f"Negative sentiment on '{label(r['intent'])}'",
                f"{100 * r['share_negative']:.0f}% of {int(r['contacts'])} contacts are negative "
                f"(overall {100 * overall_neg:.0f}%).",
                r["excess"], "Read the example quotes below; fix the policy or process customers complain about."))

    fr = inp.get("friction")
    if fr is not None and not fr.empty and "kind" in fr.columns:
        kinds = paths.friction_kinds(fr)
        for _, r in kinds.head(3).iterrows():
            n = int(r.get("journeys", r["n"]))
            stage = f" (mostly at stage '{r['top_stage']}')" if isinstance(r.get("top_stage"), str) else ""
            out.append(_finding(
                "friction", f"Friction: {str(r['kind']).replace('_', ' ')}",
                f"{int(r['n']):,} occurrences in {n:,} journeys{stage}.",
                n, FRICTION_ADVICE.get(str(r["kind"]), "Inspect the journeys listed below.").capitalize() + "."))

    if contact_paths is not None and not contact_paths.empty:
        before = paths.steps_before_contact(contact_paths, top=5)
        for _, r in before.iterrows():
            step = str(r["step"])
            if step.startswith("contact:") or step == "(start)" or r["share"] < 0.1:
                continue
            out.append(_finding(
                "path", f"'{step}' leads to contacts",
                f"{100 * r['share']:.0f}% of contacts ({int(r['contacts'])}) come right after '{step}'.",
                r["contacts"], "Improve that step (copy, error handling, self-service) to deflect these contacts."))
            break

    rt, _ = metrics.repeat_table(inp)
    if rt is not None and overall_rep is not None and "channel" in rt.columns:
        ch = metrics.repeat_by(rt, "channel", min_contacts=min_contacts)
        ch = ch.assign(excess=ch["contacts"] * (ch["repeat_rate"] - overall_rep))
        ch = ch[_material(ch, "repeat_rate", overall_rep) & (ch["channel"] != "unknown")]
        if len(ch) and len(rt["channel"].dropna().unique()) > 1:
            r = ch.sort_values("excess", ascending=False).iloc[0]
            out.append(_finding(
                "channel", f"Channel '{label(r['channel'])}' has more repeat contacts",
                f"{100 * r['repeat_rate']:.0f}% repeat contacts on {int(r['contacts'])} contacts (overall {100 * overall_rep:.0f}%).",
                r["excess"], "Compare the resolutions given on this channel with the others."))

    out.sort(key=lambda f: f["impact"], reverse=True)
    out = out[:max_items]
    if h.get("rejects"):
        out.append(_finding("data", f"{h['rejects']} input records or files could not be read",
                            "They are not in any figure of this report.", 0,
                            "See rejects.jsonl in the output folder: each line names the file, the record and the fix."))
    return out
