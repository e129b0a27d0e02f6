"""The display formatter of tables and charts: Vietnamese numbers, local dd/mm/yyyy times, labels, names."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pandas as pd
import plotly.express as px

from ui.charts import vn_figure
from ui.tables import Kind, display
from voc.clock import LOCAL_TZ
from voc.numbers import vn_percent

THEMES = {"downtime": "Gián đoạn dịch vụ", "billing": "Cước phí và hóa đơn"}
PEOPLE = {"lan": "Nguyễn Thị Lan"}


def test_numbers_take_the_vietnamese_comma_and_dot():
    df = pd.DataFrame({"cases": [3003, 7], "mean_satisfaction": [4.1666, 0.97], "reply_on_time_pct": [57.14, 100.0],
                       "resolved": [2.0, None]})
    shown = display(df)
    assert shown["cases"].tolist() == ["3.003", "7"]
    assert shown["mean_satisfaction"].tolist() == ["4,17", "0,97"]
    assert shown["reply_on_time_pct"].tolist() == ["57,1%", "100,0%"]
    assert shown["resolved"].tolist() == ["2", ""]                  # a count with a gap stays a count
    assert vn_percent(57.14) == "57,1%"


def test_times_are_local_and_days_dd_mm_yyyy():
    df = pd.DataFrame({
        "received_at": [datetime(2026, 11, 21, 2, 5, tzinfo=timezone.utc)],
        "issued_at": pd.Series([pd.Timestamp("2026-11-21 09:05", tz=LOCAL_TZ)]),
        "due_date": [pd.Timestamp("2026-11-21")], "period": [date(2026, 11, 16)],
        "loose": [pd.Timestamp("2026-11-21 00:00:00")],
    })
    shown = display(df).iloc[0].tolist()
    assert shown == ["09:05 21/11/2026", "09:05 21/11/2026", "21/11/2026", "16/11/2026", "21/11/2026"]


def test_codes_become_labels_and_usernames_names():
    df = pd.DataFrame({"theme": ["downtime", "gone"], "status": ["received", "closed"], "service": ["hosting"] * 2,
                       "channel": ["in_person"] * 2, "staff": ["lan", "nobody"], "letter_id": [1234, 5],
                       "alert": [True, False]})
    shown = display(df, themes=THEMES, people=PEOPLE)
    assert shown["theme"].tolist() == ["Gián đoạn dịch vụ", "gone"]
    assert shown["status"].tolist() == ["Đã tiếp nhận", "Đã đóng"]
    assert shown["service"].tolist() == ["Hosting"] * 2
    assert shown["staff"].tolist() == ["Nguyễn Thị Lan", "nobody"]
    assert shown["letter_id"].tolist() == ["1234", "5"]              # an id is a name, not a quantity
    assert shown["alert"].tolist() == ["Có", "Không"]


def test_a_code_beside_its_name_is_dropped_and_kinds_can_be_given():
    df = pd.DataFrame({"theme": ["billing"], "theme_name": ["Cước phí và hóa đơn"], "category": ["process"],
                       "category_name": ["Quy trình"], "ratio": [0.25]})
    shown = display(df, {"ratio": Kind.RATIO})
    assert list(shown.columns) == ["theme_name", "category_name", "ratio"]
    assert shown["ratio"].tolist() == ["25,0%"]


def test_charts_use_vietnamese_separators_and_whole_ticks_for_few_cases():
    data = pd.DataFrame({"theme": ["a", "b"], "cases": [1, 3], "share_pct": [12.345, 50.0], "customers": [2, 3]})
    fig = vn_figure(px.bar(data, x="theme", y="cases", hover_data=["share_pct", "customers"]))
    assert fig.layout.separators == ",."
    assert (fig.layout.yaxis.dtick, fig.layout.yaxis.tickformat, fig.layout.yaxis.hoverformat) == (1, ",d", ",d")
    assert "%{customdata[0]:,.2~f}" in fig.data[0].hovertemplate and "%{customdata[1]:,d}" in fig.data[0].hovertemplate
    many = vn_figure(px.bar(data.assign(cases=[120, 3003]), x="theme", y="cases"))
    assert many.layout.yaxis.dtick is None and many.layout.yaxis.tickformat == ",d"
    baseline = vn_figure(px.bar(pd.DataFrame({"theme": ["a"], "Tuần này": [2], "Mức nền": [0.5]}), x="theme",
                                y=["Tuần này", "Mức nền"], barmode="group", labels={"value": "Hồ sơ"}))
    assert (baseline.layout.yaxis.dtick, baseline.layout.yaxis.tickformat) == (1, ",d")   # no "0,5 hồ sơ" tick
    assert baseline.layout.yaxis.hoverformat == ",.2~f"                                 # the mean keeps its decimals
    scores = vn_figure(px.scatter(pd.DataFrame({"x": [50.0, 80.5], "y": [4.17, 3.9]}), x="x", y="y"))
    assert scores.layout.yaxis.hoverformat == ",.2~f" and scores.layout.yaxis.dtick is None
