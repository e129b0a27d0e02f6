"""The SLA board's two charts: weekly on-time rates (lines) and the age of the open cases (stacked bars).

They are the figures Plotly Express draws (`px.line(..., color=, markers=True)`, `px.bar(..., color=)`;
tests/ui/test_sla_charts.py compares them), built from plotly.graph_objects directly: Plotly Express
spends about 70 ms of CPU a chart in its generic machinery, these about 5 ms, and the board was drawn on
every visit. Each figure is kept per frame (a resource handed to every session, like ui.charts.drawn),
so an unchanged frame is not drawn again."""
from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from ui.charts import vn_figure
from voc.insight import sla_report

COMPLIANCE_LABELS = {"week": "Tuần (bắt đầu thứ Hai)", "rate": "Tỷ lệ đúng hạn (%)", "clock": ""}
AGING_LABELS = {"bucket_label": "Số ngày kể từ khi tiếp nhận", "cases": "Số hồ sơ", "status": "Trạng thái"}
AGE_ORDER = [label for _, label, *_ in sla_report.AGE_BUCKETS]


CLOCK_LABELS = {"reply_rate": "Trả lời trong hạn (48 giờ)", "resolution_rate": "Giải quyết trong hạn (20 ngày)"}


def compliance_rates(rows: list[dict]) -> pd.DataFrame:
    """voc.insight.sla_report.weekly_compliance's rows as the chart's long frame (week, clock, rate in %): the
    frame `pd.DataFrame(rows).melt(...)` gives, built directly (melting took longer than the query's rows)."""
    rates = [float("nan") if row[key] is None else float(row[key]) * 100 for key in CLOCK_LABELS for row in rows]
    return pd.DataFrame({"week": [row["week"] for row in rows] * len(CLOCK_LABELS),
                         "clock": [label for label in CLOCK_LABELS.values() for _ in rows], "rate": rates})


def _colors() -> list[str]:
    """The colour sequence Plotly Express takes: the default template's colorway, else its D3 palette."""
    colorway = pio.templates[pio.templates.default].layout.colorway
    return list(colorway) if colorway else list(px.colors.qualitative.D3)


def _groups(data: pd.DataFrame, column: str):
    """(value, rows, colour) per value of `column` in order of first appearance, as px splits traces."""
    colors = _colors()
    for n, value in enumerate(pd.unique(data[column])):
        yield value, data[data[column] == value], colors[n % len(colors)]


def _layout(x_title: str, y_title: str, legend_title: str, **extra) -> dict:
    # No template here: go.Figure applies the default one itself, without validating it again.
    return {"legend": {"title": {"text": legend_title}, "tracegroupgap": 0}, "margin": {"t": 60}, "xaxis": {"anchor": "y", "domain": [0.0, 1.0], "title": {"text": x_title}},
            "yaxis": {"anchor": "x", "domain": [0.0, 1.0], "title": {"text": y_title}}, **extra}


def compliance_figure(data: pd.DataFrame) -> go.Figure:
    """px.line(data, x="week", y="rate", color="clock", markers=True, labels=COMPLIANCE_LABELS)."""
    x, y, color = (COMPLIANCE_LABELS[c] for c in ("week", "rate", "clock"))
    traces = [go.Scatter(
        hovertemplate=f"{color}={value}<br>{x}=%{{x}}<br>{y}=%{{y}}<extra></extra>", legendgroup=value,
        line={"color": colour, "dash": "solid"}, marker={"symbol": "circle"}, mode="lines+markers", name=value,
        orientation="v", showlegend=True, x=rows["week"].to_numpy(), xaxis="x", y=rows["rate"].to_numpy(), yaxis="y")
        for value, rows, colour in _groups(data, "clock")]
    return go.Figure(traces, _layout(x, y, color))


def aging_figure(data: pd.DataFrame) -> go.Figure:
    """px.bar(data, x="bucket_label", y="cases", color="status", labels=AGING_LABELS,
    category_orders={"bucket_label": AGE_ORDER})."""
    x, y, color = (AGING_LABELS[c] for c in ("bucket_label", "cases", "status"))
    traces = [go.Bar(
        hovertemplate=f"{color}={value}<br>{x}=%{{x}}<br>{y}=%{{y}}<extra></extra>", legendgroup=value,
        marker={"color": colour, "pattern": {"shape": ""}}, name=value, orientation="v", showlegend=True,
        textposition="auto", x=rows["bucket_label"].to_numpy(), xaxis="x", y=rows["cases"].to_numpy(), yaxis="y")
        for value, rows, colour in _groups(data, "status")]
    layout = _layout(x, y, color, barmode="relative")
    layout["xaxis"].update(categoryorder="array", categoryarray=AGE_ORDER)
    return go.Figure(traces, layout)


def _rows(data: pd.DataFrame) -> tuple:
    """The frame as plain values: the charts' cache key (Streamlit's hashing of a DataFrame took longer
    than drawing the chart)."""
    return tuple(data.columns), tuple(data.itertuples(index=False, name=None))


def compliance_chart(data: pd.DataFrame) -> go.Figure:
    """The weekly on-time rates as the board shows them."""
    return _compliance_chart(_rows(data), data)


def aging_chart(data: pd.DataFrame) -> go.Figure:
    """The age of the open cases as the board shows it."""
    return _aging_chart(_rows(data), data)


@st.cache_resource(ttl=600, max_entries=64, show_spinner=False)
def _compliance_chart(rows: tuple, _data: pd.DataFrame) -> go.Figure:
    fig = compliance_figure(_data)
    fig.update_yaxes(range=[0, 105])
    fig.update_xaxes(tickformat="%d/%m/%Y")
    fig.update_layout(legend={"orientation": "h", "y": -0.25}, margin={"t": 10})
    return vn_figure(fig)


@st.cache_resource(ttl=600, max_entries=64, show_spinner=False)
def _aging_chart(rows: tuple, _data: pd.DataFrame) -> go.Figure:
    fig = aging_figure(_data)
    fig.update_layout(legend={"orientation": "h", "y": -0.25}, margin={"t": 10})
    return vn_figure(fig)
