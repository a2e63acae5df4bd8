"""The report people read (report.html), and the run summary for the terminal and for machines.

    write_report(out_dir, ReportConfig()) -> Path      # one self-contained, offline HTML file
    write_folder_report(out_dir, ReportConfig()) -> Path   # the same into the folder, under its lock, swapped in
    summary_table(out_dir) -> rich.table.Table
    summary_dict(out_dir) -> dict                      # JSON-ready
"""
from __future__ import annotations

from voc.report.html import write_folder_report, write_report
from voc.report.summary import summary_dict, summary_table

__all__ = ["write_report", "write_folder_report", "summary_dict", "summary_table"]
