"""The SLA board's charts, built without Plotly Express, are the figures Plotly Express draws."""
from __future__ import annotations

from datetime import date, timedelta

import json

import numpy as np
import pandas as pd
import plotly.express as px

from ui import sla_charts
from ui.charts import vn_figure


def spec(fig) -> dict:
    """What the browser is sent: the figure's JSON."""
    return json.loads(fig.to_json())


def compliance_frame(weeks: int = 6) -> pd.DataFrame:
    start = date(2026, 9, 7)
    rows = []
    for clock in ("Trả lời trong hạn (48 giờ)", "Giải quyết trong hạn (20 ngày)"):
        for n in range(weeks):
            rows.append({"week": start + timedelta(weeks=n), "clock": clock,
                         "rate": np.nan if n == 2 else 100 * ((n * 7 + len(clock)) % 10) / 9})
    return pd.DataFrame(rows)


def aging_frame() -> pd.DataFrame:
    return pd.DataFrame([
        ("3-7", "3–7 ngày", "Đang xác minh", 3), ("0-2", "0–2 ngày", "Đã tiếp nhận", 2),
        ("3-7", "3–7 ngày", "Đã tiếp nhận", 5), (">20", "Trên 20 ngày", "Chờ khách hàng", 1),
        ("0-2", "0–2 ngày", "Đang xác minh", 4)], columns=["bucket", "bucket_label", "status", "cases"])


def test_compliance_chart_is_the_plotly_express_figure():
    data = compliance_frame()
    fig = px.line(data, x="week", y="rate", color="clock", markers=True, labels=sla_charts.COMPLIANCE_LABELS)
    assert spec(sla_charts.compliance_figure(data)) == spec(fig)
    fig.update_yaxes(range=[0, 105])
    fig.update_xaxes(tickformat="%d/%m/%Y")
    fig.update_layout(legend={"orientation": "h", "y": -0.25}, margin={"t": 10})
    assert spec(sla_charts.compliance_chart(data)) == spec(vn_figure(fig))


def test_aging_chart_is_the_plotly_express_figure():
    data = aging_frame()
    fig = px.bar(data, x="bucket_label", y="cases", color="status", labels=sla_charts.AGING_LABELS,
                 category_orders={"bucket_label": sla_charts.AGE_ORDER})
    assert spec(sla_charts.aging_figure(data)) == spec(fig)
    fig.update_layout(legend={"orientation": "h", "y": -0.25}, margin={"t": 10})
    assert spec(sla_charts.aging_chart(data)) == spec(vn_figure(fig))


def test_an_unchanged_frame_is_not_drawn_again():
    data = aging_frame()
    assert sla_charts.aging_chart(data) is sla_charts.aging_chart(data.copy())
    assert sla_charts.aging_chart(data.assign(cases=data["cases"] + 1)) is not sla_charts.aging_chart(data)


def test_compliance_rates_are_the_melted_frame():
    """The long frame built directly is the one pandas' melt gave (same values, order and types)."""
    rows = [{"week": date(2026, 9, 7) + timedelta(weeks=n), "reply_decided": 3, "reply_on_time": n % 3,
             "reply_rate": None if n == 1 else (n % 3) / 3, "resolution_decided": 0 if n == 2 else 2,
             "resolution_on_time": 1, "resolution_rate": None if n == 2 else 0.5} for n in range(5)]
    melted = pd.DataFrame(rows).melt(id_vars=["week"], value_vars=["reply_rate", "resolution_rate"],
                                     var_name="clock", value_name="rate")
    melted["clock"] = melted["clock"].map(sla_charts.CLOCK_LABELS)
    melted["rate"] = melted["rate"].astype(float) * 100
    pd.testing.assert_frame_equal(sla_charts.compliance_rates(rows), melted)
    assert sla_charts.compliance_rates(rows)["rate"].isna().tolist() == [False, True] + [False] * 5 + [True, False, False]
