"""Giám sát → "Cảm xúc & rủi ro": negativity and escalation risk (R10) by theme and over time,
escalation by category and the latest flagged cases (voc.insight.risk_report), under the page's
filters. Reads are cached like ui.charts.query: keyed by the database, the query, the filters and
the data fingerprint."""
from __future__ import annotations

import json
from typing import Any

import pandas as pd
import plotly.express as px
import streamlit as st

from ui import charts
from ui.charts import plain
from ui.monitor_view import GRAIN_KEY, GRAINS
from voc.insight import risk_report
from voc.insight.analytics import Filters
from voc.insight.replica import reading
from voc.numbers import vn_number

QUERIES = {fn.__name__: fn for fn in (risk_report.risk_by_theme, risk_report.risk_over_time,
                                      risk_report.escalation_by_category, risk_report.escalated_cases)}
MEASURE_LABELS = {"cases": "Hồ sơ đã chấm", "mean_negativity": "Mức tiêu cực TB (0–1)",
                  "negative_cases": "Hồ sơ tiêu cực", "escalated_cases": "Có dấu hiệu vượt cấp",
                  "negative_pct": "% tiêu cực", "escalation_pct": "% có dấu hiệu vượt cấp"}
SHARES = {"negative_pct": "% tiêu cực", "escalation_pct": "% có dấu hiệu vượt cấp"}
THEMES_SHOWN = 15


@st.cache_data(ttl=600, max_entries=64, show_spinner=False)
def _cached(db_key: str, name: str, filters_json: str, kwargs_json: str, version: tuple, _db) -> pd.DataFrame:
    with reading(_db) as cur:
        return QUERIES[name](cur, Filters.from_json(filters_json), **json.loads(kwargs_json))


def query(db, name: str, f: Filters, **kwargs: Any) -> pd.DataFrame:
    return _cached(str(db.path), name, f.to_json(), json.dumps(kwargs, sort_keys=True), charts.data_version(db), db)


def risk_tab(db, f: Filters) -> None:
    st.caption("Mỗi hồ sơ được chấm mức tiêu cực (0–1, từ mô hình cảm xúc) và gắn cờ khiếu nại vượt cấp khi "
               "khách hàng dọa báo cơ quan quản lý, kiện ra tòa, đưa lên báo chí hoặc mạng xã hội, hủy dịch vụ "
               "hay đòi bồi thường; kèm các từ làm căn cứ. Hồ sơ tiêu cực: mức tiêu cực từ "
               f"{vn_number(risk_report.NEGATIVE_AT, 1)} trở lên.")
    themes = query(db, "risk_by_theme", f)
    shown = themes.head(THEMES_SHOWN)
    charts.chart("Cảm xúc và rủi ro theo chủ đề", shown, lambda d: px.bar(
        d.assign(theme_name=d["theme_name"].map(plain)).rename(columns=SHARES), y="theme_name",
        x=list(SHARES.values()), barmode="group", orientation="h",
        hover_data={"mean_negativity": True, "cases": True},
        labels={"theme_name": "", "value": "% hồ sơ của chủ đề", "variable": "", **MEASURE_LABELS}),
        caption=f"Các chủ đề nhiều hồ sơ có dấu hiệu vượt cấp nhất (tối đa {THEMES_SHOWN}); tệp CSV có đủ mọi chủ đề.",
        key="risk_by_theme", table=True, labels={"theme": "Mã chủ đề", "theme_name": "Chủ đề", **MEASURE_LABELS})
    grain = st.radio("Chu kỳ", list(GRAINS), format_func=GRAINS.get, horizontal=True, key=GRAIN_KEY)
    over_time = query(db, "risk_over_time", f, grain=grain)
    charts.chart("Cảm xúc và rủi ro theo thời gian", over_time, lambda d: px.line(
        d.rename(columns=SHARES), x="period", y=list(SHARES.values()), markers=True,
        hover_data={"mean_negativity": True, "cases": True, "escalated_cases": True},
        labels={"period": "Tuần" if grain == "week" else "Tháng", "value": "% hồ sơ", "variable": "",
                **MEASURE_LABELS}),
        key=f"risk_over_time_{grain}", labels={"period": "Kỳ", **MEASURE_LABELS})
    categories = query(db, "escalation_by_category", f)
    charts.chart("Dấu hiệu khiếu nại vượt cấp theo loại", categories, lambda d: px.bar(
        d.assign(category_name=d["category_name"].map(plain)), y="category_name", x="cases", orientation="h",
        labels={"category_name": "", "cases": "Hồ sơ"}),
        caption="Một hồ sơ có hai loại dấu hiệu được tính ở cả hai.",
        key="escalation_by_category", labels={"category": "Mã loại", "category_name": "Loại", "cases": "Số hồ sơ"})
    flagged = query(db, "escalated_cases", f)
    charts.chart("Hồ sơ mới nhất có dấu hiệu vượt cấp", flagged, None, table=True, key="escalated_cases",
                 labels={"ticket_code": "Mã hồ sơ", "received_at": "Tiếp nhận", "status": "Trạng thái",
                         "negativity": "Mức tiêu cực", "categories": "Loại", "evidence": "Căn cứ (lời khách hàng)"})

