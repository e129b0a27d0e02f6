"""Case file, mail part: the missing event date of a case opened from mail (filled in here, then the
R8 check runs), the case's mails as received, and the attachments the intake rules refused."""
from __future__ import annotations

import streamlit as st

from ui.session import get_db
from ui.widgets import md_escape, show_error
from voc.desk import cases
from voc.accounts.access import Actor, Permission
from voc.clock import format_local
from voc.errors import DomainError
from voc.mail import inbound
from voc.model import Case, IssueKind
from voc.numbers import vn_number

LATE = "mail_case_late"
FLASH = "mail_case_flash"


def show(actor: Actor, case: Case) -> None:
    if flash := st.session_state.pop(FLASH, None):
        st.success(flash, icon=":material/check_circle:")
    if case.event_date_pending:
        event_date_form(actor, case)
    try:
        view = inbound.case_mail(get_db(), actor, case.ticket_code)
    except DomainError as error:
        show_error(error)
        return
    if view.mails:
        mails_panel(view.mails)
    if view.refused:
        refused_panel(view.refused)


def event_date_form(actor: Actor, case: Case) -> None:
    st.warning("Hồ sơ nhận qua email chưa có ngày xảy ra sự việc. Hãy hỏi khách hàng và bổ sung để kiểm tra "
               "thời hiệu khiếu nại.", icon=":material/event_busy:")
    if not actor.can(Permission.HANDLE_CASES):
        return
    late = st.session_state.get(f"{LATE}_{case.ticket_code}")
    kinds = list(IssueKind)
    with st.form(f"event_date_{case.ticket_code}"):
        c1, c2 = st.columns(2)
        day = c1.date_input("Ngày xảy ra sự việc *", value=None, format="DD/MM/YYYY",
                            key=f"ev_day_{case.ticket_code}")
        kind = c2.selectbox("Loại khiếu nại *", kinds, index=kinds.index(case.issue_kind),
                            format_func=lambda k: k.label, key=f"ev_kind_{case.ticket_code}",
                            help="Chất lượng dịch vụ: thời hiệu 90 ngày; kinh doanh (cước, hợp đồng): 30 ngày.")
        reason = None
        if late:
            st.warning(late, icon=":material/hourglass_bottom:")
            reason = st.text_area("Lý do chấp nhận *", key=f"ev_reason_{case.ticket_code}")
        if st.form_submit_button("Lưu ngày xảy ra sự việc", type="primary"):
            try:
                cases.set_event_date(get_db(), actor, case.ticket_code, day, kind, late_reason=reason,
                                     expected_version=case.version)
            except cases.LateComplaint as error:
                st.session_state[f"{LATE}_{case.ticket_code}"] = str(error)
                st.rerun()
            except DomainError as error:
                show_error(error)
            else:
                st.session_state.pop(f"{LATE}_{case.ticket_code}", None)
                st.session_state[FLASH] = "Đã lưu ngày xảy ra sự việc."
                st.rerun()


def mails_panel(mails: list[inbound.CaseMail]) -> None:
    """The case's mails, as `inbound.case_mail` gives them to the reader (contacts masked for some roles)."""
    st.subheader(f"Thư điện tử của khách hàng ({len(mails)})")
    for mail in mails:
        with st.expander(f"{format_local(mail.received_at)} — {md_escape(mail.from_address) or '—'} — "
                         f"{md_escape(mail.subject) or '(không tiêu đề)'}"):
            st.caption(md_escape(mail.outcome.label + (f": {mail.reason}" if mail.reason else "")))
            st.text(mail.text or "(thư không có nội dung văn bản)")


def refused_panel(refused: list[inbound.RefusedAttachment]) -> None:
    st.subheader(f"Tệp đính kèm bị từ chối ({len(refused)})")
    st.caption("Các tệp này không đạt quy định tiếp nhận nên không được đính vào hồ sơ; thư gốc vẫn được lưu.")
    st.dataframe([{"Tệp": r.filename, "Lý do": r.reason, "Loại khai báo": r.declared_type or "",
                   "Cỡ": f"{vn_number(r.size_bytes / 1024)} KB", "SHA-256": r.sha256,
                   "Lúc": format_local(r.refused_at)} for r in refused], hide_index=True, width="stretch")
