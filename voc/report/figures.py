"""Plotly figures of the report, each built from an aggregated (small) table. Figures use a
minimal template so every one adds a few kB, not the ~10 kB of plotly's default theme."""
from __future__ import annotations

from typing import Optional

import pandas as pd
import plotly.graph_objects as go

SENTIMENT_COLORS = {"negative": "#d6453d", "neutral": "#b9bcc2", "positive": "#3a9b5c", "n/a": "#e6e7ea"}
PALETTE = ["#2f6db5", "#e08a2c", "#3a9b5c", "#d6453d", "#7c5cb8", "#8c6d4f", "#d46fb0", "#6f7780",
           "#b5b537", "#2bb1c4"]
START = "(start)"

_TEMPLATE = go.layout.Template(layout=dict(
    font=dict(family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size=12, color="#222"),
    colorway=PALETTE, paper_bgcolor="white", plot_bgcolor="white",
    xaxis=dict(gridcolor="#eceef1", zerolinecolor="#d0d3d8", automargin=True),
    yaxis=dict(gridcolor="#eceef1", zerolinecolor="#d0d3d8", automargin=True),
    margin=dict(l=10, r=10, t=30, b=10), hoverlabel=dict(namelength=-1),
))


def _layout(fig: go.Figure, *, height: int, title: Optional[str] = None, **kw) -> go.Figure:
    fig.update_layout(template=_TEMPLATE, height=height, title=dict(text=title) if title else None, **kw)
    return fig


def _truncate(s: str, n: int = 40) -> str:
    s = str(s)
    return s if len(s) <= n else s[: n - 1] + "…"


def intent_sentiment_bars(tab: pd.DataFrame) -> go.Figure:
    """Stacked horizontal bars: contacts per intent, split by sentiment class."""
    fig = go.Figure()
    order = [c for c in ("negative", "neutral", "positive", "n/a") if c in tab.columns] + \
            [c for c in tab.columns if c not in SENTIMENT_COLORS]
    for col in order:
        fig.add_trace(go.Bar(y=[_truncate(i) for i in tab.index], x=tab[col].tolist(), name=str(col), orientation="h",
                             marker_color=SENTIMENT_COLORS.get(col), hovertemplate="%{y}: %{x} " + str(col) + "<extra></extra>"))
    return _layout(fig, height=max(260, 26 * len(tab) + 80), barmode="stack", xaxis_title="contacts",
                   legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0))


def rate_bars(df: pd.DataFrame, by: str, *, rate: str = "repeat_rate", n: str = "contacts", color: str = "#2f6db5",
              overall: Optional[float] = None) -> go.Figure:
    """Horizontal bars of a rate per category, labelled '38% of 120'."""
    text = [f"{100 * r:.0f}% of {int(k)}" for r, k in zip(df[rate], df[n])]
    fig = go.Figure(go.Bar(y=[_truncate(v) for v in df[by]], x=df[rate].tolist(), orientation="h", text=text,
                           textposition="auto", marker_color=color,
                           hovertemplate="%{y}: %{x:.1%}<extra></extra>"))
    if overall is not None:
        fig.add_vline(x=overall, line_dash="dot", line_color="#555", annotation_text=f"overall {100 * overall:.0f}%",
                      annotation_position="bottom right")
    return _layout(fig, height=max(220, 26 * len(df) + 80), xaxis=dict(tickformat=".0%", gridcolor="#eceef1"))


def topics_over_time(tot: pd.DataFrame, top: int = 8) -> go.Figure:
    df = tot.copy()
    label = df["label"].astype(str) if "label" in df.columns else df["topic_id"].astype(str)
    df["series"] = label
    if "topic_id" in df.columns:
        df = df[pd.to_numeric(df["topic_id"], errors="coerce") != -1]
    keep = df.groupby("series")["count"].sum().sort_values(ascending=False).head(top).index
    fig = go.Figure()
    for name in keep:
        d = df[df["series"] == name].sort_values("bin_start")
        fig.add_trace(go.Scatter(x=d["bin_start"].tolist(), y=d["count"].tolist(), mode="lines+markers",
                                 name=_truncate(name, 50)))
    return _layout(fig, height=360, yaxis_title="contacts", legend=dict(orientation="h", y=-0.2))


def bars(labels: list[str], values: list[float], *, color: str = "#2f6db5", xaxis_title: str = "",
         hover: Optional[list[str]] = None, text: Optional[list[str]] = None, percent: bool = False) -> go.Figure:
    fig = go.Figure(go.Bar(y=[_truncate(v) for v in labels], x=values, orientation="h", marker_color=color,
                           text=text if text is not None else [f"{v:,.0f}" for v in values], textposition="auto",
                           hovertext=hover, hovertemplate="%{y}: %{x}<extra>%{hovertext}</extra>" if hover else None))
    fig.update_yaxes(autorange="reversed")  # first label on top
    kw = {"xaxis": dict(tickformat=".0%", gridcolor="#eceef1", title=xaxis_title)} if percent else {"xaxis_title": xaxis_title}
    return _layout(fig, height=max(200, 28 * len(labels) + 70), **kw)


def sankey(paths: pd.DataFrame, *, top_per_level: int = 8) -> go.Figure:
    """Paths into contacts: ``paths`` has columns s_-k .. s_-1, s_0 (the contact step) and count."""
    levels = [c for c in paths.columns if c.startswith("s_")]
    levels.sort(key=lambda c: int(c[2:]))
    df = paths.copy()
    for c in levels:
        keep = df.groupby(c)["count"].sum().sort_values(ascending=False)
        keep = [k for k in keep.index if k != START][:top_per_level] + [START]
        df[c] = df[c].where(df[c].isin(keep), "other")
    nodes: dict[tuple[int, str], int] = {}
    labels: list[str] = []
    xs: list[float] = []
    src: list[int] = []
    dst: list[int] = []
    val: list[float] = []

    def node(level: int, label: str) -> int:
        key = (level, label)
        if key not in nodes:
            nodes[key] = len(labels)
            labels.append(_truncate(label, 30))
            xs.append(0.01 + 0.98 * level / max(1, len(levels) - 1))
        return nodes[key]

    for i in range(len(levels) - 1):
        a, b = levels[i], levels[i + 1]
        g = df.groupby([a, b])["count"].sum().reset_index()
        g = g[~((g[a] == START) & (g[b] == START))]
        for _, r in g.iterrows():
            src.append(node(i, r[a]))
            dst.append(node(i + 1, r[b]))
            val.append(float(r["count"]))
    colors = ["#d6453d" if lab.startswith("contact:") else ("#b9bcc2" if lab in (START, "other") else "#2f6db5")
              for lab in labels]
    fig = go.Figure(go.Sankey(arrangement="snap", node=dict(label=labels, color=colors, pad=12, thickness=14, x=xs),
                              link=dict(source=src, target=dst, value=val, color="rgba(47,109,181,0.18)")))
    return _layout(fig, height=460)


def heatmap(pivot: pd.DataFrame, counts: pd.DataFrame) -> go.Figure:
    """Transition probabilities (row = from step, column = to step); hover shows the count."""
    z = pivot.values
    fig = go.Figure(go.Heatmap(z=z, x=[_truncate(c, 24) for c in pivot.columns], y=[_truncate(r, 24) for r in pivot.index],
                               customdata=counts.values, colorscale="Blues", zmin=0, zmax=1,
                               hovertemplate="%{y} → %{x}<br>p=%{z:.2f}, n=%{customdata}<extra></extra>",
                               colorbar=dict(title="P(next)", tickformat=".0%")))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, height=max(320, 24 * len(pivot) + 140), xaxis=dict(tickangle=-40), xaxis_title="next step",
                   yaxis_title="step")
