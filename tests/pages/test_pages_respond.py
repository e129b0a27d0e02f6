"""Trả lời (AppTest), issue #14 item 26: the review queue is worked (mark reviewed, comment to the writer,
reviewer recorded), the writer reads the comment, and the VOC filters show only on the queue's tab.

Letters of tests.test_analytics.fill: 1 (case 1, lan), 2 (case 5, lan), 3 (case 3, tuan), 4 (case 2, lan).
"""
from __future__ import annotations

import pytest

from tests.insight.test_analytics import fill
from tests.pages.test_pages_voc import NOVEMBER, RESPOND, STAFF, get_db, open_page, table_with
from voc.text import reply_review
from voc.text.reply_review import ReviewState

TAB_CHECK, TAB_QUEUE = "Kiểm tra thư trả lời", "Hàng đợi duyệt thư"
COMMENT = "Thư thiếu ngày hoàn tất khắc phục; bỏ câu “do lỗi khách quan”."


@pytest.fixture
def filled(app_env):
    fill(get_db())
    return app_env


def filters_shown(app) -> bool:
    return "Bộ lọc VOC" in [h.value for h in app.sidebar.subheader]


def switch_tab(app, label: str):
    app.session_state["respond_tab"] = label
    app.run()
    assert not app.exception, app.exception
    return app


def queue_ids(app) -> list[int]:
    return [int(v) for v in table_with(app, "Mã thư")["Mã thư"]]


def test_voc_filters_show_only_on_the_queue_tab(filled, qa):
    staff_app = open_page(RESPOND, STAFF, **NOVEMBER)  # staff start on the checker
    assert staff_app.text_area(key="respond_text") is not None
    assert not filters_shown(staff_app)
    assert filters_shown(switch_tab(staff_app, TAB_QUEUE))
    qa_app = open_page(RESPOND, qa, **NOVEMBER)  # QA start on the queue they work
    assert filters_shown(qa_app) and queue_ids(qa_app) == [2, 3, 4, 1]
    assert not filters_shown(switch_tab(qa_app, TAB_CHECK))
    # the filters come back as they were when the queue is shown again
    assert queue_ids(switch_tab(qa_app, TAB_QUEUE)) == [2, 3, 4, 1]


def test_qa_marks_a_reply_reviewed_with_a_comment(filled, qa):
    app = open_page(RESPOND, qa, **NOVEMBER)
    assert app.selectbox(key="respond_review").value is ReviewState.UNREVIEWED
    app.selectbox(key="respond_letter").select(4).run()
    assert "Thư chưa được duyệt." in [c.value for c in app.caption]
    app.text_area(key="review_comment_4_0").input(COMMENT)
    next(b for b in app.button if b.label == "Đánh dấu đã duyệt").click().run()
    assert not app.exception, app.exception
    assert app.success[0].value.startswith("Đã duyệt thư 00004/2026/TL-CSKH")
    assert queue_ids(app) == [2, 3, 1]  # it left the unreviewed queue, and its detail closed
    assert app.selectbox(key="respond_letter").value is None
    with get_db().cursor() as cur:
        assert cur.execute("SELECT letter_id, reviewer, comment FROM reply_reviews").fetchall() == [(4, "qa1", COMMENT)]
    app.selectbox(key="respond_review").select(ReviewState.REVIEWED).run()
    reviewed = table_with(app, "Mã thư")
    assert reviewed[["Mã thư", "Người duyệt gần nhất", "Nhận xét gần nhất"]].values.tolist() == [["4", "qa1", COMMENT]]


def test_the_writer_reads_the_comment_and_cannot_review(filled, qa):
    reply_review.mark_reviewed(get_db(), qa, 4, COMMENT)
    app = switch_tab(open_page(RESPOND, STAFF, **NOVEMBER), TAB_QUEUE)
    assert app.toggle(key="respond_mine").value is True
    queue = table_with(app, "Mã thư").set_index("Mã thư")
    assert sorted(queue.index) == ["1", "2", "4"]  # lan's replies only
    assert queue.loc["4", "Nhận xét gần nhất"] == COMMENT and queue.loc["4", "Người duyệt gần nhất"] == "qa1"
    app.selectbox(key="respond_letter").select(4).run()
    assert table_with(app, "Nhận xét")["Nhận xét"].tolist() == [COMMENT]
    assert "Đánh dấu đã duyệt" not in [b.label for b in app.button]
