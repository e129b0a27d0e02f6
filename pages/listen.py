"""Lắng nghe: the customers' own words — search without diacritics, each case's whole story, similar cases."""
import pandas as pd
import plotly.express as px
import streamlit as st

from ui import charts, filters, tables
from ui.widgets import md_escape, show_error
from ui.session import get_db, page_actor
from voc.insight.timeline import case_story
from voc.accounts.access import Permission
from voc.clock import format_local
from voc.errors import DomainError
from voc.model import Channel, Service, Status
from voc.numbers import vn_number, vn_percent
from voc.accounts.privacy import mask_email, mask_phone

PAGE_SIZE = 50
st.title("Lắng nghe")
actor = page_actor(Permission.VIEW_ANALYTICS)
db = get_db()
st.caption("Đọc nguyên văn lời khách hàng. Tìm kiếm không phân biệt dấu: “mat ket noi” tìm được “mất kết nối”.")

if "listen_q" not in st.session_state:
    st.session_state["listen_q"] = filters.url_value("q")
text = st.text_input("Tìm trong nội dung phản ánh, yêu cầu, tên khách hàng, mã hồ sơ", key="listen_q",
                     max_chars=200, placeholder="ví dụ: mail bi doi")
f = filters.show(db, actor, extra_url={"q": text.strip()})
charts.as_of_caption(db)

volume = charts.query(db, "search_volume", f, text=text)
charts.chart("Số hồ sơ khớp theo tuần", volume, lambda d: px.bar(
    d, x="week", y="cases", labels={"week": "Tuần", "cases": "Hồ sơ"}), key="listen_volume",
    labels={"week": "Tuần (thứ Hai)", "cases": "Số hồ sơ"})

total = int(volume["cases"].sum()) if not volume.empty else 0
pages = max(1, -(-total // PAGE_SIZE))
page = st.number_input(f"Trang (tổng {vn_number(total)} hồ sơ)", 1, pages, 1, key="listen_page")
rows, _ = charts.query(db, "search_verbatims", f, text=text, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
shown = rows.assign(
    service=[Service(v).label for v in rows["service"]], channel=[Channel(v).label for v in rows["channel"]],
    status=[Status(v).label for v in rows["status"]], received_at=rows["received_at"].dt.strftime("%d/%m/%Y %H:%M"))
labels = {"ticket_code": "Mã hồ sơ", "received_at": "Tiếp nhận", "service": "Dịch vụ", "channel": "Kênh",
          "branch": "Chi nhánh", "status": "Trạng thái", "round": "Lần", "content": "Nội dung phản ánh",
          "request": "Yêu cầu", "themes": "Chủ đề"}
st.subheader("Lời khách hàng")
selection = tables.table(rows, labels, on_select="rerun", selection_mode="single-row",
                         key="listen_table", column_order=[labels[c] for c in (
                             "ticket_code", "received_at", "content", "request", "themes", "service", "channel",
                             "branch", "status")],
                         column_config={labels["content"]: st.column_config.TextColumn(width="large"),
                                        labels["request"]: st.column_config.TextColumn(width="medium")})
charts.download(shown, "loi-khach-hang.csv", "listen_rows", labels)

picked = selection.selection.rows if selection else []
default_code = shown.iloc[picked[0]]["ticket_code"] if picked else ""
code = st.text_input("Hoặc nhập mã hồ sơ để xem toàn bộ câu chuyện", value=default_code, key=f"listen_code_{default_code}")
if not code.strip():
    st.info("Chọn một dòng trong bảng để đọc toàn bộ câu chuyện của khách hàng.")
    st.stop()

try:
    with db.cursor() as cur:
        story = case_story(cur, code.strip(), actor)
except DomainError as error:
    show_error(error)
    st.stop()
case = story.case
if not actor.may_touch_branch(case.branch):
    st.error("Bạn chỉ được xem hồ sơ của chi nhánh mình.")
    st.stop()

st.subheader(f"Hồ sơ {md_escape(case.ticket_code)}")
see = actor.can(Permission.SEE_CONTACTS)
phone = case.customer.phone if see else mask_phone(case.customer.phone)
email = case.customer.email if see else mask_email(case.customer.email)
st.text(f"Khách hàng: {case.customer.name} — {phone or ''} {email or ''}".strip())
st.text(f"{case.service.label} · {case.channel.label} · {case.branch or ''} · {case.status.label} · lần {case.round}"
        f" · tiếp nhận {format_local(case.received_at)}")
left, right = st.columns(2)
with left:
    st.markdown("**Nội dung phản ánh**")
    st.text(case.content)
    st.markdown("**Yêu cầu cần giải quyết**")
    st.text(case.request or "")
    if story.themes:
        st.markdown("**Chủ đề**")
        st.text(", ".join(name for _, name, _ in story.themes))
with right:
    st.markdown("**Diễn biến**")
    later = any(e.recorded for e in story.events)   # entered later than it happened: when and by whom
    timeline = pd.DataFrame([{"Thời điểm": format_local(e.happened_at),
                              **({"Ghi nhận vào hệ thống": e.recorded} if later else {}),
                              "Người thực hiện": e.who, "Việc": e.label, "Ghi chú": e.event.note or ""}
                             for e in story.events])
    st.dataframe(timeline, hide_index=True, key="listen_timeline")
    for letter in story.letters:
        with st.expander(f"{letter.kind.label} lần {letter.round} — {format_local(letter.issued_at)}"):
            st.text(letter.body)
    for fu in story.followups:
        st.text(f"Theo dõi {format_local(fu.contacted_at)}: hài lòng {fu.satisfaction}/5 — {fu.note or ''}")

st.subheader("Khách hàng khác phản ánh tương tự về cùng dịch vụ")
try:
    from voc.text.similar import similar_cases
except ImportError:
    similar_cases = None
if similar_cases is None:
    st.info("Chức năng tìm hồ sơ tương tự chưa sẵn sàng.")
else:
    with db.cursor() as cur:
        similar = similar_cases(cur, case, 10)
    if not similar:
        st.info("Chưa có hồ sơ tương tự trước đó.")
    else:
        st.dataframe(pd.DataFrame([{"Mã hồ sơ": s.ticket_code, "Tiếp nhận": format_local(s.received_at),
                                    "Trạng thái": s.status.label, "Độ tương đồng": vn_percent(100 * s.score, 0),
                                    "Trích đoạn": s.excerpt} for s in similar]), hide_index=True, key="listen_similar")
