"""The reply checker's result, shown the same way in Trả lời and in the case file's letter composer, and an
issued reply as its reviewer and its writer read it in Trả lời's review queue."""
import pandas as pd
import streamlit as st

from ui.tables import person
from ui.widgets import md_escape, show_error
from voc.text import reply_check, reply_review
from voc.accounts.access import Actor
from voc.clock import format_local
from voc.errors import DomainError
from voc.numbers import vn_percent

SEVERITY = {"high": "Nghiêm trọng", "medium": "Trung bình", "low": "Nhẹ"}
FLASH = "respond_flash"


def show_result(result: reply_check.ReplyCheck, key: str) -> None:
    cols = st.columns(4)
    cols[0].metric("Điểm", f"{result.score}/100")
    cols[1].metric("Số từ", f"{result.word_count} / {reply_check.MAX_WORDS}")
    cols[2].metric("Trùng thư mẫu", vn_percent(100 * result.template_similarity, 0),
                   help=f"Tỷ lệ cụm 3 từ của thư có trong thư mẫu; ngưỡng {vn_percent(100 * reply_check.TEMPLATE_THRESHOLD, 0)}.")
    cols[3].metric("Trùng thư khác", vn_percent(100 * result.reply_similarity, 0),
                   help=f"Tỷ lệ cụm 3 từ trùng với thư trả lời khác; ngưỡng {vn_percent(100 * reply_check.OTHER_REPLY_THRESHOLD, 0)}.")
    if not result.findings:
        st.success("Thư đạt mọi tiêu chí kiểm tra.")
        return
    findings_table(result.findings, key)


def findings_table(findings: list[reply_check.Finding], key: str) -> None:
    st.dataframe(pd.DataFrame([{"Mức độ": SEVERITY[x.severity], "Vấn đề": x.message_vi, "Câu liên quan": x.sentence or ""}
                               for x in findings]), hide_index=True, key=f"findings_{key}",
                 column_config={"Vấn đề": st.column_config.TextColumn(width="large"),
                                "Câu liên quan": st.column_config.TextColumn(width="medium")})


def show_under_review(db, actor: Actor, letter_id: int) -> None:
    """The letter, its check, its reviews so far and, for a reviewer other than its writer, the review form."""
    try:
        letter = reply_review.open_letter(db, actor, letter_id)
    except DomainError as error:
        show_error(error)
        return
    st.subheader(f"Thư {md_escape(letter.doc_number)} — hồ sơ {md_escape(letter.ticket_code)}")
    st.caption(f"Người viết: {md_escape(person(letter.issued_by))} — phát hành {format_local(letter.issued_at)}")
    st.text(letter.body)
    show_result(letter.check, "queue")
    st.markdown("**Nhận xét duyệt thư**")
    if letter.reviews:
        st.dataframe(pd.DataFrame([{"Duyệt lúc": format_local(r.reviewed_at), "Người duyệt": person(r.reviewer),
                                    "Nhận xét": r.comment or "(không có nhận xét)"} for r in letter.reviews]),
                     hide_index=True, key=f"reviews_{letter_id}",
                     column_config={"Nhận xét": st.column_config.TextColumn(width="large")})
    else:
        st.caption("Thư chưa được duyệt.")
    if not letter.may_review:
        return
    # Keyed by the number of reviews: after a review the box is new and empty; after a refusal the text stays.
    with st.form(f"review_{letter_id}_{len(letter.reviews)}"):
        comment = st.text_area("Nhận xét cho người viết (không bắt buộc)", max_chars=reply_review.MAX_COMMENT_CHARS,
                               key=f"review_comment_{letter_id}_{len(letter.reviews)}")
        submitted = st.form_submit_button("Đánh dấu đã duyệt", type="primary")
    if submitted:
        try:
            reply_review.mark_reviewed(db, actor, letter_id, comment)
        except DomainError as error:
            show_error(error)
        else:
            sent = " và gửi nhận xét cho người viết" if comment.strip() else ""
            st.session_state[FLASH] = f"Đã duyệt thư {letter.doc_number}{sent}."
            st.rerun()
