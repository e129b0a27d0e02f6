"""Quản trị → Hộp thư: is fetching on, the last fetch pass, a pass on demand, and the quarantine
(make a case from a message, or discard it with a reason). Never shows a password."""
from __future__ import annotations

import streamlit as st

from ui.tables import person
from ui.widgets import fields_table, form_expander, md_escape, show_error
from voc.accounts.access import Actor
from voc.clock import format_local
from voc.errors import DomainError
from voc.mail import inbound, quarantine
from voc.model import IssueKind, Service
from voc.numbers import vn_number

FLASH = "mail_inbox_flash"


def show(db, actor: Actor) -> None:
    try:
        status = inbound.mail_status(db, actor)
    except DomainError as error:
        show_error(error)
        return
    if flash := st.session_state.pop(FLASH, None):
        st.success(md_escape(flash), icon=":material/check_circle:")
    st.subheader("Nhận thư (IMAP)")
    if status.problem:
        show_error(DomainError(status.problem))
    elif not status.fetching:
        st.info("Nhận thư đang tắt: chưa đặt biến môi trường VOC_IMAP_URL "
                "(imaps://tài-khoản:mật-khẩu@máy-chủ:993/INBOX). Không có gì bị lỗi; thư chỉ chưa được nhận.",
                icon=":material/mail_lock:")
    else:
        fields_table([("Hộp thư", status.mailbox), ("Chi nhánh nhận hồ sơ từ email", status.intake_branch)])
        if st.button("Nhận thư ngay", icon=":material/download:", key="mail_fetch_now"):
            with st.spinner("Đang nhận thư…"):
                try:
                    report = inbound.fetch_now(db, actor)
                except DomainError as error:
                    show_error(error)
                else:
                    st.session_state[FLASH] = report.summary()
                    st.rerun()
    last_run_panel(status.last_run)
    quarantine_panel(db, actor, status.quarantine_pending, status.intake_branch or "")


def last_run_panel(run: inbound.FetchRun | None) -> None:
    st.markdown("**Lượt nhận thư gần nhất**")
    if run is None:
        st.caption("Chưa có lượt nhận thư nào.")
        return
    c = run.counts
    fields_table([
        ("Bắt đầu", format_local(run.started_at)),
        ("Kết thúc", format_local(run.finished_at) if run.finished_at else "chưa kết thúc"),
        ("Hộp thư", run.mailbox),
        ("Số thư", f"{vn_number(c.fetched)} nhận — {vn_number(c.created)} hồ sơ mới, {vn_number(c.joined)} thêm vào "
                   f"hồ sơ đã có, {vn_number(c.ignored)} bỏ qua, {vn_number(c.quarantined)} cách ly, "
                   f"{vn_number(c.duplicates)} đã xử lý trước đó, {vn_number(c.failed)} lỗi"),
        ("Lỗi", run.error),
    ])


def quarantine_panel(db, actor: Actor, pending: int, branch: str) -> None:
    st.subheader(f"Thư cách ly chờ xử lý ({vn_number(pending)})")
    st.caption("Thư không thể tự thành hồ sơ được giữ nguyên vẹn ở đây cùng lý do. Quản trị tạo hồ sơ từ thư "
               "hoặc loại bỏ thư (có ghi lý do); mọi quyết định đều được ghi nhật ký.")
    show_all = st.toggle("Hiện cả thư đã xử lý", key="mail_q_all")
    try:
        items = quarantine.list_items(db, actor, None if show_all else quarantine.QuarantineStatus.PENDING)
    except DomainError as error:
        show_error(error)
        return
    if not items:
        st.caption("Không có thư nào.")
        return
    st.dataframe([{"Số": i.id, "Nhận lúc": format_local(i.received_at), "Người gửi": i.from_text or "",
                   "Tiêu đề": i.subject or "", "Lý do": i.reason, "Cỡ": f"{vn_number(i.size_bytes / 1024)} KB",
                   "Tình trạng": i.status.label, "Hồ sơ": i.ticket_code or "",
                   "Xử lý bởi": person(i.resolved_by), "Ghi chú": i.resolution_note or ""} for i in items],
                 hide_index=True, width="stretch")
    pending_items = [i for i in items if i.status is quarantine.QuarantineStatus.PENDING]
    if not pending_items:
        return
    by_id = {i.id: i for i in pending_items}
    picked = st.selectbox("Chọn thư để xử lý", list(by_id), key="mail_q_pick",
                          format_func=lambda i: f"#{i} — {by_id[i].subject or '(không tiêu đề)'} — {by_id[i].reason}")
    item = by_id[picked]
    st.download_button("Tải thư gốc (.eml)", quarantine.raw_message(db, actor, item.id),
                       file_name=f"thu-cach-ly-{item.id}.eml", mime="message/rfc822", key=f"mail_q_raw_{item.id}")
    make_case_form(db, actor, item, branch)
    discard_form(db, actor, item)


def make_case_form(db, actor: Actor, item: quarantine.QuarantineItem, default_branch: str) -> None:
    draft = quarantine.prefill(db, actor, item.id)
    with form_expander("Tạo hồ sơ từ thư này", f"mail_q_case_{item.id}"):
        with st.form(f"mail_q_case_{item.id}"):
            c1, c2 = st.columns(2)
            name = c1.text_input("Họ tên khách hàng *", value=draft.name, max_chars=200)
            email = c2.text_input("Email của khách hàng", value=draft.email)
            phone = c1.text_input("Điện thoại", value="")
            branch = c2.text_input("Chi nhánh tiếp nhận *", value=default_branch)
            service = c1.selectbox("Dịch vụ *", list(Service), format_func=lambda s: s.label)
            kind = c2.selectbox("Loại khiếu nại *", list(IssueKind), format_func=lambda k: k.label)
            content = st.text_area("Nội dung phản ánh *", value=draft.content or draft.subject, height=160)
            request = st.text_area("Yêu cầu cần giải quyết", height=80,
                                   placeholder="Để trống nếu thư không nêu riêng yêu cầu.")
            note = st.text_input("Ghi chú (vào nhật ký)")
            if draft.attachments:
                st.caption(f"Thư có {draft.attachments} tệp đính kèm; tệp hợp lệ được đính vào hồ sơ, tệp bị từ chối "
                           "được liệt kê trên hồ sơ kèm lý do.")
            if st.form_submit_button("Tạo hồ sơ", type="primary"):
                try:
                    case = quarantine.make_case(db, actor, item.id, name=name, email=email, phone=phone,
                                                service=service, issue_kind=kind, content=content, request=request,
                                                branch=branch, note=note)
                except DomainError as error:
                    show_error(error)
                else:
                    st.session_state[FLASH] = (f"Đã tạo hồ sơ {case.ticket_code} từ thư cách ly số {item.id}. "
                                               "Hồ sơ chưa có ngày xảy ra sự việc: nhân viên cần bổ sung.")
                    st.rerun()


def discard_form(db, actor: Actor, item: quarantine.QuarantineItem) -> None:
    with form_expander("Loại bỏ thư này", f"mail_q_discard_{item.id}"):
        with st.form(f"mail_q_discard_{item.id}"):
            note = st.text_input("Lý do loại bỏ *", placeholder="Thư rác, thư quảng cáo…")
            if st.form_submit_button("Loại bỏ thư"):
                try:
                    quarantine.discard(db, actor, item.id, note)
                except DomainError as error:
                    show_error(error)
                else:
                    st.session_state[FLASH] = f"Đã loại bỏ thư cách ly số {item.id} (thư vẫn được lưu)."
                    st.rerun()
