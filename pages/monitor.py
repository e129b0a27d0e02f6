"""Giám sát: theme trends, top and emerging issues, recurrence, follow-up, process and personnel metrics."""
from dataclasses import replace

import plotly.express as px
import streamlit as st

from ui import charts, filters, monitor_view, risk_charts
from ui.charts import plain
from ui.monitor_view import GRAINS, SLA_GROUPS, TABS
from ui.share_link import copy_link_button
from ui.widgets import md_escape, page_link
from ui.session import get_db, page_actor
from voc.accounts.access import Permission
from voc.insight.alerts import AlertSettings
from voc.insight.themes_trends import alert_days
from voc.model import Status
from voc.numbers import vn_number, vn_p_value

st.title("Giám sát")
actor = page_actor(Permission.VIEW_ANALYTICS)
db = get_db()
st.caption("Theo dõi chủ đề khiếu nại theo thời gian, vấn đề lặp lại, kết quả sau giải quyết, "
           "quy trình và nhân sự. Mọi biểu đồ đều tải được dữ liệu CSV; đường dẫn trang giữ nguyên bộ lọc, "
           "thẻ đang mở và cách nhóm.")
copy_link_button()
monitor_view.restore()
f = filters.show(db, actor, extra_url=monitor_view.url_values())
charts.prepare(db)
charts.as_of_caption(db)


TREND_THEMES = 8
ALERT_SERIES = {"current": "7 ngày gần nhất", "baseline_mean": "Mức nền (TB/tuần)"}
STATE_SERIES = {"median_hours": "Trung vị", "p90_hours": "Bách phân vị 90"}
SLA_SERIES = {"reply_pct": "Trả lời trong 48 giờ", "resolution_pct": "Giải quyết trong 20 ngày"}
FIX_SERIES = {"fixed": "Đã khắc phục", "in_progress": "Đang khắc phục", "overdue_fixes": "Quá hạn khắc phục"}


def num(value: float, digits: int = 1) -> str:
    return vn_number(value, digits)


def pct(value) -> str:
    return "—" if value is None else num(100 * value) + "%"


k = charts.query(db, "kpis", f)
cols = st.columns(6)
cols[0].metric("Hồ sơ", num(k["cases"], 0))
cols[1].metric("Đang mở", num(k["open"], 0))
cols[2].metric("Trả lời ≤ 48 giờ", pct(k["reply_on_time"]), help="Tỷ lệ hồ sơ có thư trả lời đầu tiên trong 48 giờ.")
cols[3].metric("Giải quyết ≤ 20 ngày", pct(k["resolution_on_time"]), help="Tỷ lệ hồ sơ giải quyết trong 20 ngày.")
cols[4].metric("Sang lần 2", pct(k["round2_rate"]), help="Tỷ lệ hồ sơ khách hàng không đồng ý, mở giải quyết lần 2.")
cols[5].metric("Hài lòng TB", "—" if k["mean_satisfaction"] is None else num(k["mean_satisfaction"], 2) + "/5",
               help="Điểm hài lòng trung bình (1-5) của các lần gọi lại sau giải quyết.")

# --- emerging issues -------------------------------------------------------------------------------
settings = AlertSettings()
alerts = charts.query(db, "emerging_issues", f)
flagged = alerts[alerts["alert"]] if not alerts.empty else alerts
st.subheader("Cảnh báo vấn đề mới nổi")
st.caption(settings.describe())
if flagged.empty:
    st.success("Không có chủ đề nào tăng bất thường so với mức nền của chính nó.")
for row in flagged.itertuples():
    st.warning(f"{md_escape(row.theme_name)}: {num(row.current, 0)} hồ sơ trong 7 ngày gần nhất, mức nền "
               f"{num(row.baseline_mean)}/tuần (gấp {num(row.ratio)} lần), {vn_p_value(row.p_value)}.", icon=":material/campaign:")
    first, last = alert_days(f)
    page_link("pages/listen.py", f"Đọc lời khách hàng: {md_escape(row.theme_name)}, {row.current} hồ sơ "
              f"{first:%d/%m}–{last:%d/%m}", ":material/hearing:",
              filters.link_params(replace(f, start=first, end=last, themes=(row.theme,))))
charts.chart("Tuần hiện tại so với mức nền", alerts.head(15), lambda d: px.bar(
    d.assign(theme_name=d["theme_name"].map(plain)).rename(columns=ALERT_SERIES), y="theme_name",
    x=list(ALERT_SERIES.values()), barmode="group", orientation="h",
    labels={"theme_name": "", "value": "Hồ sơ", "variable": ""}),
    key="emerging_issues", labels={"theme": "Mã chủ đề", "theme_name": "Chủ đề", "current": "7 ngày gần nhất",
                                   "baseline_mean": "Mức nền (TB/tuần)", "ratio": "Tỷ lệ", "p_value": "p",
                                   "alert": "Cảnh báo"})


def trend_tab() -> None:
    grain = st.radio("Chu kỳ", list(GRAINS), format_func=GRAINS.get, horizontal=True, key=monitor_view.GRAIN_KEY)
    volume = charts.query(db, "theme_volume", f, grain=grain)
    top_names = volume.groupby("theme_name")["cases"].sum().nlargest(TREND_THEMES).index
    charts.chart("Số hồ sơ theo chủ đề", volume, lambda d: px.line(
        d[d["theme_name"].isin(top_names)].assign(theme_name=lambda x: x["theme_name"].map(plain)),
        x="period", y="cases", color="theme_name", markers=True,
        labels={"period": "Tuần" if grain == "week" else "Tháng", "cases": "Hồ sơ", "theme_name": "Chủ đề"}),
        caption=f"Biểu đồ vẽ {TREND_THEMES} chủ đề nhiều hồ sơ nhất (chọn chủ đề ở bộ lọc để xem chủ đề khác); "
                "tệp CSV có đủ mọi chủ đề.",
        key=f"theme_volume_{grain}", labels={"period": "Kỳ", "theme": "Mã chủ đề", "theme_name": "Chủ đề",
                                             "cases": "Số hồ sơ"})
    top = charts.query(db, "top_issues", f)
    charts.chart("Vấn đề thường gặp nhất", top, lambda d: px.bar(
        d.assign(theme_name=d["theme_name"].map(plain)), x="cases", y="theme_name", orientation="h",
        hover_data=["share_pct", "customers", "repeat_customers"],
        labels={"cases": "Hồ sơ", "theme_name": "", "share_pct": "% hồ sơ", "customers": "Khách hàng",
                "repeat_customers": "Khách phản ánh lặp lại"}),
        key="top_issues", labels={"theme": "Mã chủ đề", "theme_name": "Chủ đề", "cases": "Số hồ sơ",
                                  "share_pct": "% hồ sơ", "customers": "Số khách hàng",
                                  "repeat_customers": "Khách phản ánh từ 2 lần"})


def recurrence_tab() -> None:
    recur = charts.query(db, "recurrence", f)
    charts.chart("Tái diễn trong 30 ngày sau khi giải quyết", recur, lambda d: px.bar(
        d.assign(theme_name=d["theme_name"].map(plain)), y="theme_name", x="recurrence_pct", orientation="h",
        hover_data=["resolved", "recurred"],
        labels={"theme_name": "", "recurrence_pct": "% tái diễn", "resolved": "Đã giải quyết",
                "recurred": "Tái diễn"}),
        caption="Cùng khách hàng (cùng số điện thoại hoặc email) phản ánh lại cùng chủ đề trong vòng 30 ngày "
                "kể từ khi hồ sơ trước được giải quyết.",
        key="recurrence", labels={"theme": "Mã chủ đề", "theme_name": "Chủ đề", "resolved": "Đã giải quyết",
                                  "recurred": "Tái diễn", "recurrence_pct": "% tái diễn"})
    follow = charts.query(db, "followup_outcomes", f)
    charts.chart("Kết quả theo dõi sau giải quyết", follow, lambda d: px.scatter(
        d.assign(theme_name=d["theme_name"].map(plain)), x="followup_pct", y="mean_satisfaction", size="resolved",
        text="theme_name", labels={"followup_pct": "% hồ sơ được gọi lại", "mean_satisfaction": "Hài lòng TB (1-5)",
                                   "resolved": "Đã giải quyết", "theme_name": "Chủ đề"}),
        key="followup_outcomes", table=True,
        labels={"theme": "Mã chủ đề", "theme_name": "Chủ đề", "resolved": "Đã giải quyết",
                "followed_up": "Đã theo dõi", "mean_satisfaction": "Hài lòng TB", "followup_pct": "% theo dõi"})
    causes = charts.query(db, "root_cause_summary", f)
    charts.chart("Nguyên nhân gốc và khắc phục nội bộ", causes, lambda d: px.bar(
        d.rename(columns=FIX_SERIES), y="category_name", x=list(FIX_SERIES.values()), barmode="stack",
        orientation="h", labels={"category_name": "", "value": "Hồ sơ", "variable": ""}),
        caption="Nguyên nhân gốc mà nhân viên ghi ở từng hồ sơ, và biện pháp khắc phục nội bộ: đã xong, "
                "đang làm, quá hạn.",
        key="root_causes", labels={"category": "Mã nhóm", "category_name": "Nhóm nguyên nhân", "cases": "Số hồ sơ",
                                   **FIX_SERIES})
    fixes = charts.query(db, "open_fixes", f)
    charts.chart("Khắc phục nội bộ chưa xong", fixes.assign(overdue=fixes["overdue"].map({True: "Quá hạn",
                                                                                         False: ""})),
                 None, table=True, key="open_fixes",
                 labels={"ticket_code": "Mã hồ sơ", "category": "Mã nhóm", "category_name": "Nhóm nguyên nhân",
                         "action": "Biện pháp", "owner": "Phụ trách", "due_date": "Hạn", "overdue": "Tình trạng"})


def process_tab() -> None:
    states = charts.query(db, "state_durations", f)
    states = states.assign(status_label=[Status(s).label for s in states["status"]])
    charts.chart("Thời gian ở mỗi trạng thái (giờ)", states if states["cases"].sum() else states.iloc[0:0],
                 lambda d: px.bar(d.rename(columns=STATE_SERIES), x="status_label", y=list(STATE_SERIES.values()),
                                  barmode="group",
                                  labels={"status_label": "Trạng thái", "value": "Giờ", "variable": ""}),
                 caption="Trung vị và bách phân vị 90 của thời gian hồ sơ nằm ở mỗi trạng thái, tính từ nhật ký "
                         "sự kiện (chỉ các lần đã chuyển sang trạng thái khác).",
                 key="state_durations", labels={"status": "Mã trạng thái", "median_hours": "Trung vị (giờ)",
                                                "p90_hours": "P90 (giờ)", "cases": "Số hồ sơ",
                                                "status_label": "Trạng thái"})
    by = st.radio("Tuân thủ SLA theo", list(SLA_GROUPS), horizontal=True, format_func=SLA_GROUPS.get,
                  key=monitor_view.SLA_KEY)
    sla = charts.query(db, "sla_compliance", f, by=by)
    charts.chart(monitor_view.sla_title(by), sla, lambda d: sla_figure(d, by),
        caption="Trả lời trong 48 giờ (thư đầu tiên của lần 1) và giải quyết trong 20 ngày; hồ sơ chưa đến "
                "hạn không được tính, hồ sơ quá hạn chưa xử lý tính là trễ."
                + (" Mỗi đường là một chi nhánh." if by == "branch_week" else ""),
        key=f"sla_{by}", labels={"bucket": "Tuần" if by == "branch_week" else "Nhóm", "branch": "Chi nhánh",
                                 "reply_due": "Đến hạn trả lời",
                                 "reply_on_time": "Trả lời đúng hạn", "resolution_due": "Đến hạn giải quyết",
                                 "resolution_on_time": "Giải quyết đúng hạn", "reply_pct": "% trả lời đúng hạn",
                                 "resolution_pct": "% giải quyết đúng hạn"})


def sla_figure(d, by: str):
    """Lines over time for a week or month, one line per branch in each stage for branch and week,
    grouped bars for a branch, channel or service."""
    labels = {"bucket": "", "value": "% đúng hạn", "variable": "", "branch": "Chi nhánh"}
    if by == "branch_week":
        stages = d.melt(id_vars=["bucket", "branch"], value_vars=list(SLA_SERIES), var_name="stage")
        return px.line(stages.assign(stage=stages["stage"].map(SLA_SERIES), branch=stages["branch"].map(plain)),
                       x="bucket", y="value", color="branch", facet_col="stage", facet_col_spacing=0.08, markers=True,
                       labels=labels).for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
    if by in GRAINS:
        return px.line(d.rename(columns=SLA_SERIES), x="bucket", y=list(SLA_SERIES.values()), markers=True,
                       labels=labels)
    return px.bar(d.assign(bucket=d["bucket"].map(plain)).rename(columns=SLA_SERIES), x="bucket",
                  y=list(SLA_SERIES.values()), barmode="group", labels=labels)


def people_tab() -> None:
    staff = charts.query(db, "staff_performance", f)
    charts.chart("Theo nhân viên", staff, lambda d: px.scatter(
        d.assign(staff=d["staff"].map(plain)), x="reply_on_time_pct", y="mean_check_score", size="cases",
        color="round2_pct", hover_name="staff",
        labels={"reply_on_time_pct": "% trả lời đúng hạn", "mean_check_score": "Điểm kiểm tra thư TB",
                "cases": "Hồ sơ", "round2_pct": "% sang lần 2"}),
        caption="Điểm kiểm tra thư là điểm đã lưu của các thư trả lời đã được chấm (xem trang Trả lời).",
        key="staff_performance", table=True,
        labels={"staff": "Nhân viên", "cases": "Hồ sơ", "reply_due": "Đến hạn trả lời",
                "reply_on_time": "Trả lời đúng hạn", "round2_pct": "% sang lần 2",
                "reply_on_time_pct": "% trả lời đúng hạn", "mean_check_score": "Điểm kiểm tra thư TB",
                "checked_replies": "Số thư đã chấm"})


# Only the open tab runs (on_change="rerun"): its charts are queried and drawn when it is opened.
for tab, body in zip(st.tabs(list(TABS), key=monitor_view.TAB_KEY, on_change="rerun"),
                     (trend_tab, recurrence_tab, process_tab, people_tab, lambda: risk_charts.risk_tab(db, f))):
    if tab.open:
        with tab:
            body()
