"""Từ điển khách hàng: how customers say it, which theme it means, what the company calls it (everyone)."""
import pandas as pd
import streamlit as st

from ui.widgets import md_escape
from ui.session import get_db, page_actor
from voc.insight import clarify
from voc.numbers import vn_number

COLUMNS = {"term": "Khách hàng nói", "company_term": "Thuật ngữ nội bộ", "note": "Ghi chú"}

st.title("Từ điển khách hàng")
page_actor()
db = get_db()
st.caption("Cách khách hàng thường nói, nghĩa là chủ đề nào và công ty gọi là gì. "
           "Tìm không cần gõ dấu: “mail bi doi” tìm được “mail bị dội”.")
query = st.text_input("Tìm cụm từ, chủ đề hoặc thuật ngữ", key="dictionary_q", max_chars=120,
                      placeholder="ví dụ: mail bi doi")
entries = clarify.dictionary(db, query)
groups = clarify.group_by_theme(entries)

terms_col, themes_col, csv_col, pdf_col = st.columns([1, 1, 1, 1], vertical_alignment="bottom")
terms_col.metric("Mục từ", vn_number(len(entries)))
themes_col.metric("Chủ đề", vn_number(len(groups)))
csv_col.download_button("Tải CSV (Excel)", clarify.dictionary_csv(entries), "tu-dien-khach-hang.csv", "text/csv",
                        key="dictionary_csv", icon=":material/download:")
pdf_col.download_button("Tải PDF", lambda: clarify.dictionary_pdf(entries, query=query), "tu-dien-khach-hang.pdf",
                        "application/pdf", key="dictionary_pdf", icon=":material/download:")

if not entries:
    st.info("Không có mục nào khớp với từ khóa." if query.strip() else "Từ điển chưa có mục nào.")
for name, items in groups:
    with st.expander(f"{md_escape(name)} ({len(items)})", expanded=bool(query.strip())):
        st.dataframe(pd.DataFrame(items, columns=list(COLUMNS)).fillna("").rename(columns=COLUMNS), hide_index=True,
                     width="stretch")
