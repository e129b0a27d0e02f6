"""The reply checker's result, shown the same way in Trả lời and in the case file's letter composer."""
import pandas as pd
import streamlit as st

from voc.text import reply_check

SEVERITY = {"high": "Nghiêm trọng", "medium": "Trung bình", "low": "Nhẹ"}


def show_result(result: reply_check.ReplyCheck, key: str) -> None:
    cols = st.columns(4)
    cols[0].metric("Điểm", f"{result.score}/100")
    cols[1].metric("Số từ", f"{result.word_count} / {reply_check.MAX_WORDS}")
    cols[2].metric("Trùng thư mẫu", f"{result.template_similarity:.0%}",
                   help=f"Tỷ lệ cụm 3 từ của thư có trong thư mẫu; ngưỡng {reply_check.TEMPLATE_THRESHOLD:.0%}.")
    cols[3].metric("Trùng thư khác", f"{result.reply_similarity:.0%}",
                   help=f"Tỷ lệ cụm 3 từ trùng với thư trả lời khác; ngưỡng {reply_check.OTHER_REPLY_THRESHOLD:.0%}.")
    if not result.findings:
        st.success("Thư đạt mọi tiêu chí kiểm tra.")
        return
    st.dataframe(pd.DataFrame([{"Mức độ": SEVERITY[x.severity], "Vấn đề": x.message_vi, "Câu liên quan": x.sentence or ""}
                               for x in result.findings]), hide_index=True, key=f"findings_{key}",
                 column_config={"Vấn đề": st.column_config.TextColumn(width="large"),
                                "Câu liên quan": st.column_config.TextColumn(width="medium")})
