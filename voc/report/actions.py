"""The 'what to act on' list: the run's findings (voc.report.findings, stored in run.json["findings"]
by voc.report.findings_store), ranked on one scale (excess contacts of a significant, material cell
or alert), plus a data note when input records could not be read."""
from __future__ import annotations

from typing import Any, Optional

from voc.config import ReportConfig
from voc.report import findings_store, metrics
from voc.report.inputs import ReportInputs


def what_to_act_on(inp: ReportInputs, config: Optional[ReportConfig] = None) -> list[dict[str, Any]]:
    """The findings of the run in ``inp``'s folder (the list run.json and ``--json`` carry)."""
    return list(findings_store.load(inp, config)["items"])


def taxonomy_fit(inp: ReportInputs, config: Optional[ReportConfig] = None) -> dict[str, Any]:
    return findings_store.load(inp, config)["taxonomy_fit"]


def data_note(inp: ReportInputs) -> Optional[dict[str, Any]]:
    """Input records that could not be read: always said, after the findings (not one of them)."""
    h = metrics.headline(inp)
    if not h.get("rejects"):
        return None
    return {"kind": "data", "title": f"{h['rejects']} input records or files could not be read",
            "detail": "They are not in any figure of this report.",
            "action": "See rejects.jsonl in the output folder: each line names the file, the record and the fix."}
