"""The report's content blocks: a Section (figures, tables, cards, what is missing) and a Table of
readable cells (voc.report.labels), built by voc.report.build and rendered by the templates."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from voc.report.labels import cell, header

# what to run to get the journey sections (shown where they are missing)
HOW_JOURNEYS = ("Join behavioural events: `voc analyze TICKETS --events EVENTS.csv` or `voc journeys` with this "
                "folder as contacts; it writes timeline, friction, journeys and transitions tables here.")


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Any]]
    note: str = ""


@dataclass
class Section:
    id: str
    title: str
    intro: str = ""
    figures: list[tuple[str, go.Figure]] = field(default_factory=list)   # (caption, figure)
    tables: list[Table] = field(default_factory=list)
    cards: list[dict[str, Any]] = field(default_factory=list)             # journeys / contacts with quotes
    missing: str = ""


def df_table(df: pd.DataFrame, max_rows: int, note: str = "") -> Table:
    """A table for the report: readable headers, shares as percentages, durations, yes/no (voc.report.labels)."""
    shown = df.head(max_rows)
    if len(df) > max_rows:
        note = (note + " " if note else "") + f"Showing {max_rows} of {len(df):,} rows; the full table is in the output folder."
    cols = [str(c) for c in shown.columns]
    return Table(columns=[header(c) for c in cols],
                 rows=[[cell(c, v) for c, v in zip(cols, r)] for r in shown.itertuples(index=False, name=None)], note=note)
