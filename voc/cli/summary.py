"""The short summary printed at the end of a run."""
from __future__ import annotations

from rich.console import Console

from voc.pipeline.run import RunResult

# Sources of run.json warnings the terminal shows elsewhere: the journeys' (with the journey summary) and the
# config's (when the config is read, voc.cli.common.load_config).
PRINTED_ELSEWHERE = ("journeys", "sequences", "prediction", "config")


def print_summary(result: RunResult) -> None:
    from voc.report import summary_table

    out = Console()
    out.print(summary_table(result.out_dir))
    if result.trends is not None:
        from rich.markup import escape

        t = result.trends
        out.print(f"what changed: {t['alerts']} alert(s) over {t.get('tests', 0)} tests at FDR {t.get('fdr')}"
                  f" ({t['period']}ly; see alerts.jsonl)")
        for a in t.get("top_alerts", [])[:5]:
            out.print(f"  [bold]{a['alert_id']}[/] {escape(a['sentence'])}")
        for d in t.get("drift", []):
            out.print(f"[yellow]warning[/]: {escape(d['message'])}")
        for w in t.get("warnings", []):
            out.print(f"[yellow]warning[/]: {escape(w)}")
    if result.journeys is not None:
        from voc.cli.common import print_warnings

        print_warnings(getattr(result.journeys, "warnings", None), out)
    import json

    run_p = result.out_dir / "run.json"
    run = json.loads(run_p.read_text(encoding="utf-8")) if run_p.exists() else {}
    from voc.cli.common import print_warnings as _print

    # run.json's other warnings (the taxonomy fit, pipeline steps such as the intent model's precision, E209);
    # the journeys' were printed above and the config's when it was read
    _print([w for w in run.get("warnings") or [] if isinstance(w, dict) and w.get("source") not in PRINTED_ELSEWHERE], out)
    if result.report is not None:
        out.print(f"report: {result.report}")
