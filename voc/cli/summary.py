"""The short summary printed at the end of a run."""
from __future__ import annotations

from rich.console import Console

from voc.pipeline.run import RunResult


def print_summary(result: RunResult) -> None:
    from voc.report import summary_table

    out = Console()
    out.print(summary_table(result.out_dir))
    if result.journeys is not None:
        from voc.cli.journeys import print_warnings

        print_warnings(getattr(result.journeys, "warnings", None), out)
    if result.report is not None:
        out.print(f"report: {result.report}")
