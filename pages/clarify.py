"""Làm sáng tỏ: map the customers' own words to the company's themes and terms (QA and admin)."""
from datetime import timedelta

import pandas as pd
import streamlit as st

from ui.widgets import md_escape, show_error, themes_table
from ui.session import get_db, page_actor
from voc.insight import clarify
from voc.accounts.access import Permission
from voc.clock import local_date, utcnow
from voc.errors import DomainError
from voc.numbers import vn_number

PHRASES_PER_PAGE = 10
VERDICTS = {True: "Đúng — xác nhận (hoặc thêm) chủ đề này cho hồ sơ",
            False: "Sai — bỏ chủ đề này khỏi hồ sơ"}

st.title("Làm sáng tỏ")
actor = page_actor(Permission.EDIT_TAXONOMY)
db = get_db()
st.caption("Khách hàng dùng từ của họ; ở đây QA gắn những cách nói đó với chủ đề và thuật ngữ của công ty, "
           "rồi chia sẻ cho mọi nhân viên qua “Từ điển khách hàng”.")

state = st.session_state
state.setdefault("clarify_rev", 0)
flash_slot = st.empty()       # always present, so the tabs below keep their place
if flash := state.pop("clarify_flash", None):
    flash_slot.success(flash)


def score_text(score: float | None) -> str:
    return "—" if score is None else vn_number(score, 3)


def done(message: str) -> None:
    """Keep the message (Markdown-safe) across the rerun that shows the change; reset the edit tables."""
    state["clarify_flash"] = message
    state["clarify_rev"] += 1
    st.rerun()


rev = state["clarify_rev"]
all_themes = clarify.themes(db)
names = {t.code: t.name + ("" if t.active else " (ngừng dùng)") for t in all_themes}
active_codes = [t.code for t in all_themes if t.active]

def show_discovery() -> None:
    """Uncovered customer phrases, ranked, each one click away from the glossary."""
    st.caption("Những cụm từ khách hàng hay dùng trong các hồ sơ chưa được gắn chủ đề rõ ràng "
               "và chưa có trong từ điển, xếp theo mức độ đáng chú ý.")
    with st.form("clarify_discover"):
        left, middle, right = st.columns(3)
        coverage = left.slider("Hồ sơ “chưa rõ chủ đề” khi điểm cao nhất dưới", 0.3, 0.95, 0.6, 0.05)
        min_cases = middle.number_input("Xuất hiện trong ít nhất (hồ sơ)", 2, 100, 3)
        max_cases = right.selectbox("Xét tối đa (hồ sơ gần nhất)", [1000, 3000, 10000], index=1)
        run = st.form_submit_button("Tìm cụm từ mới", type="primary")
    if run:
        with st.spinner("Đang phân tích lời khách hàng…"):
            state["clarify_phrases"] = clarify.find_phrases(
                db, coverage=coverage, min_cases=int(min_cases), max_cases=max_cases, limit=200)
    phrases = state.get("clarify_phrases")
    if phrases is None:
        st.info("Bấm “Tìm cụm từ mới” để bắt đầu (lần đầu khoảng 10–20 giây với vài nghìn hồ sơ; "
                "các lần sau chỉ xử lý hồ sơ mới nên nhanh hơn).")
    elif not phrases:
        st.info("Không tìm thấy cụm từ nào chưa có trong từ điển.")
    else:
        filter_col, page_col = st.columns([3, 1])
        query = filter_col.text_input("Lọc cụm từ (gõ có dấu hoặc không dấu)", key="clarify_phrase_q", max_chars=80,
                                      placeholder="ví dụ: mail bi doi")
        shown = clarify.filter_phrases(phrases, query)
        pages = max(1, -(-len(shown) // PHRASES_PER_PAGE))
        page = page_col.number_input(f"Trang (tổng {len(shown)} cụm từ)", 1, pages, 1,
                                     key=f"clarify_phrase_page_{query}")
        start = (page - 1) * PHRASES_PER_PAGE
        if not shown:
            st.info("Không có cụm từ nào khớp với từ khóa lọc.")
        for phrase in shown[start:start + PHRASES_PER_PAGE]:
            with st.container(border=True):
                st.markdown(f"**{md_escape(phrase.phrase)}**")
                st.caption(f"{phrase.cases} hồ sơ chưa rõ chủ đề · {phrase.covered_cases} hồ sơ đã rõ chủ đề · "
                           f"điểm {vn_number(phrase.score, 1)}")
                for example in phrase.examples:
                    st.text(f"{example.ticket_code}: {example.excerpt}")
                suggested = clarify.suggest_theme(db, phrase.phrase)
                with st.form(f"clarify_add_{phrase.key}_{rev}"):
                    term_col, theme_col, company_col, button_col = st.columns([3, 3, 3, 2], vertical_alignment="bottom")
                    term = term_col.text_input("Khách hàng nói", phrase.phrase, max_chars=120,
                                              key=f"clarify_add_term_{phrase.key}_{rev}")
                    theme = theme_col.selectbox("Chủ đề", active_codes, format_func=names.get,
                                                index=active_codes.index(suggested) if suggested in active_codes else 0,
                                                key=f"clarify_add_theme_{phrase.key}_{rev}")
                    company = company_col.text_input("Thuật ngữ nội bộ (không bắt buộc)", max_chars=120,
                                                    key=f"clarify_add_company_{phrase.key}_{rev}")
                    add = button_col.form_submit_button("Thêm vào từ điển", type="primary")
                if add:
                    try:
                        added = clarify.add_phrase(db, actor, term, theme, company)
                    except DomainError as error:
                        show_error(error)
                    else:
                        state["clarify_phrases"] = clarify.without_term(phrases, added.term)
                        done(md_escape(f"Đã thêm “{added.term}” vào từ điển (chủ đề {names[added.theme_code]}).")
                             + " Gắn lại chủ đề để áp dụng cho các hồ sơ đã có.")

def show_glossary() -> None:
    """Customer term → theme + company term + note: add, edit, remove."""
    with st.form(f"clarify_term_add_{rev}"):
        st.markdown("**Thêm cách nói của khách hàng**")
        term_col, theme_col = st.columns(2)
        term = term_col.text_input("Khách hàng nói", max_chars=120, placeholder="ví dụ: mail bị dội",
                                   key=f"clarify_new_term_{rev}")
        theme = theme_col.selectbox("Chủ đề", active_codes, format_func=names.get, key=f"clarify_new_theme_{rev}",
                                    index=None, placeholder="Chọn chủ đề")
        company_col, note_col = st.columns(2)
        company = company_col.text_input("Thuật ngữ nội bộ (không bắt buộc)", max_chars=120,
                                         key=f"clarify_new_company_{rev}")
        note = note_col.text_input("Ghi chú (không bắt buộc)", max_chars=1000, key=f"clarify_new_note_{rev}")
        add = st.form_submit_button("Thêm vào từ điển", type="primary")
    if add:
        try:
            added = clarify.add_phrase(db, actor, term, theme, company, note)
        except DomainError as error:
            show_error(error)
        else:
            done(md_escape(f"Đã thêm “{added.term}” vào từ điển (chủ đề {names[added.theme_code]})."))

    only = st.selectbox("Lọc theo chủ đề", [""] + [t.code for t in all_themes], key="clarify_glossary_theme",
                        format_func=lambda code: names.get(code, "Tất cả chủ đề"))
    rows = pd.DataFrame(clarify.glossary_rows(db, only or None),
                        columns=["id", "term", "theme_code", "company_term", "note", "remove"])
    st.caption(f"{len(rows)} mục. Sửa trực tiếp trong bảng, đánh dấu “Xoá” để bỏ một mục, rồi bấm “Lưu thay đổi”.")
    edited = st.data_editor(rows, key=f"clarify_glossary_{rev}_{only}", hide_index=True, disabled=["id"],
                            width="stretch", height=min(38 + 35 * max(len(rows), 1), 560), column_config={
                                "id": None,
                                "term": st.column_config.TextColumn("Khách hàng nói", required=True, max_chars=120,
                                                                    width="medium"),
                                "theme_code": st.column_config.SelectboxColumn(
                                    "Chủ đề", options=list(names), format_func=names.get, required=True,
                                    width="medium"),
                                "company_term": st.column_config.TextColumn("Thuật ngữ nội bộ", max_chars=120,
                                                                            width="medium"),
                                "note": st.column_config.TextColumn("Ghi chú", max_chars=1000),
                                "remove": st.column_config.CheckboxColumn("Xoá", width="small"),
                            })
    if st.button("Lưu thay đổi", key="clarify_glossary_save"):
        try:
            changed = clarify.save_glossary_rows(db, actor, edited.to_dict("records"))
        except DomainError as error:
            show_error(error)
        else:
            done(f"Đã lưu {changed} thay đổi trong từ điển." if changed else "Không có thay đổi nào.")

def show_themes() -> None:
    """The taxonomy: name, description, group, active; new themes."""
    st.caption("Tên, mô tả và nhóm của từng chủ đề. Bỏ đánh dấu “Đang dùng” để ngừng gắn chủ đề đó cho hồ sơ mới "
               "(các nhãn cũ vẫn giữ).")
    theme_rows = pd.DataFrame(clarify.theme_rows(db), columns=["code", "name", "description", "group", "active"])
    edited_themes = st.data_editor(theme_rows, key=f"clarify_themes_{rev}", hide_index=True, disabled=["code"],
                                   width="stretch", column_config={
                                       "code": st.column_config.TextColumn("Mã"),
                                       "name": st.column_config.TextColumn("Tên chủ đề", required=True, max_chars=120),
                                       "description": st.column_config.TextColumn("Mô tả", max_chars=1000),
                                       "group": st.column_config.TextColumn("Nhóm", max_chars=120),
                                       "active": st.column_config.CheckboxColumn("Đang dùng"),
                                   })
    if st.button("Lưu thay đổi", key="clarify_themes_save"):
        try:
            changed = clarify.save_theme_rows(db, actor, edited_themes.to_dict("records"))
        except DomainError as error:
            show_error(error)
        else:
            done(f"Đã lưu {changed} thay đổi chủ đề." if changed else "Không có thay đổi nào.")
    with st.form(f"clarify_theme_add_{rev}"):
        st.markdown("**Thêm chủ đề mới**")
        code_col, name_col, group_col = st.columns(3)
        code = code_col.text_input("Mã (chữ không dấu, số, dấu gạch dưới)", max_chars=40, placeholder="vi_du_chu_de")
        name = name_col.text_input("Tên chủ đề", max_chars=120)
        group = group_col.text_input("Nhóm", max_chars=120)
        description = st.text_area("Mô tả", max_chars=1000, height=80)
        add_theme = st.form_submit_button("Thêm chủ đề")
    if add_theme:
        try:
            theme = clarify.add_theme(db, actor, code, name, description, group)
        except DomainError as error:
            show_error(error)
        else:
            done(md_escape(f"Đã thêm chủ đề “{theme.name}”."))

def show_retag() -> None:
    """Apply the current glossary, themes and model to all cases or a period."""
    st.caption("Gắn lại chủ đề cho hồ sơ theo từ điển, danh mục chủ đề và mô hình hiện tại. "
               "Đánh giá của QA trên từng hồ sơ luôn được giữ.")
    scope = st.radio("Hồ sơ cần gắn lại", ["period", "all"], horizontal=True, key="clarify_retag_scope",
                     format_func={"all": "Tất cả hồ sơ", "period": "Hồ sơ tiếp nhận trong khoảng thời gian"}.get)
    today = local_date(utcnow())
    period = st.date_input("Thời gian tiếp nhận", (today - timedelta(days=30), today), format="DD/MM/YYYY",
                           key="clarify_retag_period", disabled=scope == "all")
    if st.button("Gắn lại chủ đề", type="primary", key="clarify_retag"):
        bar = st.progress(0.0, text="Đang chuẩn bị…")

        def progress(done_cases: int, total: int) -> None:
            bar.progress(done_cases / total if total else 1.0, text=f"Đã gắn {done_cases}/{total} hồ sơ")

        start, end = (None, None)
        if scope == "period":
            start, end = (tuple(period) + (None, None))[:2]
            end = end or start
        try:
            report = clarify.retag(db, actor, start=start, end=end, progress=progress)
        except DomainError as error:
            show_error(error)
        else:
            st.cache_data.clear()
            st.success(report.message() if report.cases else "Không có hồ sơ nào trong khoảng thời gian đã chọn.")

def show_corrections() -> None:
    """QA corrections of one case, and retraining the model."""
    ticket = st.text_input("Mã hồ sơ", key="clarify_ticket", max_chars=40, placeholder="ví dụ: KN-2026-000123")
    if ticket.strip():
        try:
            found = clarify.case_themes(db, ticket)
        except DomainError as error:
            show_error(error)
        else:
            st.text(f"{found.ticket_code} — tiếp nhận {found.received}")
            st.text(found.excerpt)
            themes_table(found.tags)
            current = [t.code for t in found.tags if t.code in active_codes]
            with st.form(f"clarify_correct_{found.ticket_code}_{rev}"):
                theme = st.selectbox("Chủ đề", active_codes, format_func=names.get,
                                     index=active_codes.index(current[0]) if current else 0)
                verdict = st.radio("Đánh giá", [True, False], format_func=VERDICTS.get)
                note = st.text_input("Ghi chú (không bắt buộc)", max_chars=500)
                save = st.form_submit_button("Lưu đánh giá", type="primary")
            if save:
                try:
                    clarify.correct(db, actor, found.ticket_code, theme, verdict, note)
                except DomainError as error:
                    show_error(error)
                else:
                    st.cache_data.clear()
                    done(md_escape(f"Đã lưu đánh giá “{names[theme]}” cho hồ sơ {found.ticket_code}."))
    st.divider()
    st.subheader("Huấn luyện lại mô hình")
    st.caption("Mô hình học thêm từ các đánh giá của QA. Nếu mô hình mới có điểm kiểm định chéo (macro-F1) "
               "thấp hơn mô hình đang dùng, hệ thống giữ mô hình cũ.")
    if st.button("Huấn luyện lại mô hình", key="clarify_retrain"):
        try:
            with st.spinner("Đang huấn luyện…"):
                report = clarify.retrain(db, actor)
        except DomainError as error:
            show_error(error)
        else:
            (st.warning if report.kept_previous else st.success)(report.message())
            new_col, old_col, examples_col = st.columns(3)
            new_col.metric("Macro-F1 mô hình mới", score_text(report.cv_score))
            old_col.metric("Macro-F1 mô hình trước", score_text(report.previous_score))
            examples_col.metric("Số ví dụ huấn luyện", report.n_examples)


# a keyed tab set reruns when another tab is chosen, and only the open tab's content runs
TABS = {"Cụm từ mới": show_discovery, "Từ điển": show_glossary, "Chủ đề": show_themes,
        "Gắn lại chủ đề": show_retag, "Sửa chủ đề hồ sơ": show_corrections}
for tab, show in zip(st.tabs(list(TABS), key="clarify_tab", on_change="rerun"), TABS.values()):
    if tab.open:
        with tab:
            show()
