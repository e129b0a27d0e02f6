"""Chart helpers of the VOC pages: cached read queries, a Plotly chart with its CSV download, safe text.

Read queries are cached with `st.cache_data`, keyed by the database file, the query, its
filters and a data fingerprint (`voc.insight.analytics.data_version`): any change to cases, events,
letters, checks or follow-ups changes the fingerprint, so a cached answer is never stale for
longer than it takes to read the fingerprint. The figures drawn from those frames are cached too
(`drawn`), keyed by the chart, its frame and its figure function. `clear()` drops everything explicitly.

In server mode the charts read this process's DuckDB copy of the analytics tables (voc.insight.replica),
and the fingerprint is the one PostgreSQL had when the copy was last refreshed: the cache changes exactly
when the copy does, whichever process wrote. `as_of_caption` says up to when the copy's data goes.
"""
from __future__ import annotations

import json
import re
from datetime import date
from typing import Any, Callable

import numpy as np

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from voc.clock import local
from voc.insight import analytics, process_metrics, replica, root_cause_report, themes_trends, verbatims
from voc.insight.analytics import Filters
from voc.desk import csv_excel
from ui import tables

# The read queries a page may run through the cache (name -> function).
QUERIES: dict[str, Callable] = {
    fn.__name__: fn for fn in (
        process_metrics.kpis, themes_trends.theme_volume, themes_trends.top_issues, themes_trends.emerging_issues,
        themes_trends.recurrence, themes_trends.followup_outcomes, process_metrics.state_durations,
        process_metrics.sla_compliance, process_metrics.staff_performance, verbatims.search_verbatims,
        verbatims.search_volume, root_cause_report.root_cause_summary, root_cause_report.open_fixes,
    )
}
EMPTY_MESSAGE = "Chưa có dữ liệu cho bộ lọc đang chọn."
NOTHING_TO_DRAW = "Chưa có số liệu nào để vẽ biểu đồ cho bộ lọc đang chọn."
BAR_PX = 22              # height per bar of a horizontal bar chart, so every label stays readable
WHOLE, DECIMAL = ",d", ",.2~f"       # d3 formats: 3.003 and 4,17 under the Vietnamese separators
SMALL_COUNT = 5                      # up to this many cases an axis ticks every case (no "0,5 hồ sơ")
_HOVER_FIELD = re.compile(r"%\{(customdata\[(\d+)\]|marker\.size|marker\.color)\}")


def plain(text: Any) -> str:
    """A label safe inside a Plotly chart (Plotly reads a few HTML tags in labels)."""
    return ("" if text is None else str(text)).replace("<", "‹").replace(">", "›")


def clear() -> None:
    st.cache_data.clear()
    _drawn.clear()


def data_version(db) -> tuple:
    """The fingerprint of the data (voc.analytics.data_version), read from the database."""
    with db.cursor() as cur:
        return analytics.data_version(cur)


def analytics_version(db) -> tuple:
    """The fingerprint of what the charts read, the key of every cached chart: the DuckDB file's, or in
    server mode the copy's (refreshed first when due)."""
    source = replica.source(db)
    if source is db:
        return data_version(db)
    source.ensure_fresh()
    return source.version


def as_of_caption(db) -> None:
    """In server mode, up to when the charts' data goes ("Số liệu đến 14:05")."""
    source = replica.source(db)
    if source is not db and source.as_of is not None:
        st.caption(f"Số liệu đến {local(source.as_of):%H:%M}",
                   help=f"Biểu đồ đọc bản sao số liệu của máy chủ ứng dụng; bản sao được cập nhật từ cơ sở dữ liệu "
                        f"khi đã cũ hơn {replica.REFRESH_EVERY_S:.0f} giây (chậm nhất {replica.MAX_STALE_S:.0f} giây).")


@st.cache_data(ttl=600, max_entries=256, show_spinner=False)
def _cached(db_key: str, name: str, filters_json: str, kwargs_json: str, version: tuple, _db) -> Any:
    fn = QUERIES[name]
    with replica.source(_db).cursor() as cur:
        return fn(cur, Filters.from_json(filters_json), **json.loads(kwargs_json))


def query(db, name: str, filters: Filters, **kwargs) -> Any:
    """Run the read query `name` (see QUERIES) through the cache."""
    return _cached(str(db.path), name, filters.to_json(), json.dumps(kwargs, sort_keys=True, ensure_ascii=False),
                   analytics_version(db), db)


@st.cache_data(ttl=600, show_spinner=False)
def _filter_options(db_key: str, version: tuple, _db) -> dict:
    with replica.source(_db).cursor() as cur:
        return {"branches": analytics.branch_options(cur), "themes": dict(analytics.theme_options(cur))}


def filter_options(db) -> dict:
    return _filter_options(str(db.path), analytics_version(db), db)


def _numbers(values) -> np.ndarray | None:
    """`values` as floats when they are all numbers (dates and labels are not), else None."""
    if values is None:
        return None
    array = np.asarray(values)
    if array.size == 0 or array.dtype.kind not in "iuf":
        return None
    array = array.astype(float)
    return array[~np.isnan(array)]


def _format_of(values: np.ndarray) -> str:
    return WHOLE if np.all(values == np.round(values)) else DECIMAL


def vn_figure(fig: go.Figure) -> go.Figure:
    """Numbers on a chart written the Vietnamese way: comma for decimals, dot for thousands (on ticks
    and hovers), whole-number ticks on axes of counts (every case when there are few), and the
    hover's extra values formatted like the axes."""
    fig.update_layout(separators=",.")
    axes: dict[str, list[np.ndarray]] = {}
    for trace in fig.data:
        for letter in ("x", "y"):
            values = _numbers(getattr(trace, letter, None))
            if values is not None and values.size:
                axis = getattr(trace, f"{letter}axis", None) or letter
                axes.setdefault(f"{letter}axis{axis[1:]}", []).append(values)
        template = getattr(trace, "hovertemplate", None)
        if template:
            trace.hovertemplate = _HOVER_FIELD.sub(lambda m: _hover_field(trace, m), template)
    for name, arrays in axes.items():
        values = np.concatenate(arrays)
        axis = fig.layout[name]
        axis.update(hoverformat=_format_of(values))
        # An axis of cases ticks whole cases, even when it also draws a mean (a baseline per week).
        if _format_of(values) == WHOLE or "hồ sơ" in (axis.title.text or "").lower():
            axis.update(tickformat=WHOLE)
            if values.max(initial=0) <= SMALL_COUNT:
                axis.update(dtick=1, tick0=0)
    return fig


def _hover_field(trace, match: re.Match) -> str:
    if match.group(2) is not None:
        data = np.asarray(trace.customdata) if trace.customdata is not None else None
        column = int(match.group(2))
        values = _numbers(data[:, column]) if data is not None and data.ndim == 2 and column < data.shape[1] else None
    else:
        values = _numbers(getattr(trace.marker, match.group(1).split(".")[1], None))
    if values is None or not values.size:
        return match.group(0)
    return f"%{{{match.group(1)}:{_format_of(values)}}}"


def prepare(db) -> None:
    """Refresh the pre-aggregates (cheap when nothing changed; in server mode each refresh of the copy
    does it)."""
    if replica.source(db) is db:
        process_metrics.prepare(db)


def to_csv(df: pd.DataFrame, labels: dict[str, str] | None = None) -> bytes:
    """CSV for Excel (voc.desk.csv_excel: BOM, decimal comma, Có/Không, formula-safe text)."""
    return csv_excel.frame_csv(df, labels)


def download(df: pd.DataFrame, filename: str, key: str, labels: dict[str, str] | None = None) -> None:
    """The CSV is built when the button is clicked, not on every run of the page."""
    st.download_button("Tải dữ liệu (CSV)", data=lambda: to_csv(df, labels), file_name=filename, mime="text/csv",
                       key=f"csv_{key}", icon=":material/download:", on_click="ignore")


def has_points(fig: go.Figure) -> bool:
    """Whether any trace has a point to draw (an x and a y that are both set). A frame whose values
    are all missing draws only Plotly's empty −1…1 axes."""
    for trace in fig.data:
        xs, ys = getattr(trace, "x", None), getattr(trace, "y", None)
        if xs is not None and ys is not None:
            if pd.DataFrame({"x": list(xs), "y": list(ys)}).notna().all(axis=1).any():
                return True
    return False


def _dates(values) -> bool:
    values = pd.Series(list(values if values is not None else ()))
    return pd.api.types.is_datetime64_any_dtype(values) or (
        not values.empty and all(isinstance(v, (date, pd.Timestamp)) for v in values.dropna()))


def _readable(fig: go.Figure) -> go.Figure:
    """Vietnamese numbers and dates, value axes from zero, horizontal bars listed top-down at a height
    that fits every label."""
    fig.update_layout(margin=dict(l=10, r=10, t=30, b=10), legend_title_text="", height=360, separators=",.")
    fig.update_xaxes(rangemode="tozero")       # ignored by date and category axes
    fig.update_yaxes(rangemode="tozero")
    if any(_dates(t.x) for t in fig.data):
        fig.update_xaxes(tickformat="%d/%m/%Y")
    horizontal = [t for t in fig.data if getattr(t, "orientation", None) == "h"]
    if horizontal:
        rows = len({y for t in horizontal for y in (t.y if t.y is not None else ())})
        bars_per_row = len(horizontal) if fig.layout.barmode == "group" else 1
        fig.update_layout(height=max(260, 90 + BAR_PX * rows * bars_per_row))
        fig.update_yaxes(autorange="reversed", automargin=True)
    return vn_figure(fig)


def _recipe(figure: Callable) -> tuple:
    """What a figure function draws besides its frame: its code and the values it closes over (a
    page's grouping, its top themes). Module-level names it reads are the page's constants."""
    code = figure.__code__
    cells = (c.cell_contents for c in figure.__closure__ or ())
    return (code.co_filename, code.co_firstlineno, code.co_code,
            tuple(tuple(v) if isinstance(v, (pd.Index, pd.Series)) else v for v in cells))


# A resource, not data: the one figure is handed to every session unpickled (st.plotly_chart only reads
# it), where a copy would be validated by Plotly again (half the time of drawing it).
@st.cache_resource(ttl=600, max_entries=256, show_spinner=False)
def _drawn(key: str, df: pd.DataFrame, recipe: tuple, _figure: Callable) -> go.Figure | None:
    fig = _figure(df)
    return _readable(fig) if has_points(fig) else None


def drawn(key: str, df: pd.DataFrame, figure: Callable[[pd.DataFrame], go.Figure]) -> go.Figure | None:
    """The readable figure of `df` (None when it has no point to draw), built once per chart, frame and
    recipe: Plotly Express takes about 0,15 s a chart. The frames come from the cached queries, so a
    change of the data changes the frame and draws the chart again."""
    return _drawn(key, df, _recipe(figure), figure)


def chart(title: str, df: pd.DataFrame, figure: Callable[[pd.DataFrame], go.Figure] | None, *, key: str,
          labels: dict[str, str] | None = None, caption: str | None = None, table: bool = False) -> None:
    """A titled chart (and/or table) of `df` with its CSV download; an empty frame, or one with no
    value to plot, gives a notice instead of an empty chart."""
    st.subheader(title)
    if caption:
        st.caption(caption)
    if df is None or df.empty:
        st.info(EMPTY_MESSAGE)
        return
    if figure is not None:
        fig = drawn(key, df, figure)
        if fig is not None:
            st.plotly_chart(fig, key=f"fig_{key}", config={"displaylogo": False})
        else:
            st.info(NOTHING_TO_DRAW)
    if table:
        tables.table(df, labels, key=f"tbl_{key}")
    download(df, csv_excel.file_name(title), key, labels)
