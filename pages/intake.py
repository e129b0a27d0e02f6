"""Tiếp nhận: look the customer up by phone or e-mail, log a complaint from any channel (R1-R4, R8),
then hand the customer their confirmation and, in person, the receipt form to sign (ui/intake_result)."""
from __future__ import annotations

import uuid
from datetime import date, datetime, time

import streamlit as st

from ui import intake_lookup, intake_result
from ui.session import get_db, page_actor
from ui.widgets import case_link, show_error
from voc.desk import attachments, cases, duplicates
from voc.setup import ensure_text_engine
from voc.accounts.access import Actor, Permission, Role
from voc.clock import LOCAL_TZ, format_local, utcnow
from voc.errors import DomainError, ValidationError
from voc.model import CaseDraft, Channel, Customer, IssueKind, Service

KEY, LATE, DONE, DUPLICATES = "intake_key", "intake_late", "intake_done", "intake_duplicates"


def form_key() -> str:
    """One id per form instance: a repeated submit of the same form saves one case only."""
    if KEY not in st.session_state:
        st.session_state[KEY] = uuid.uuid4().hex
    return st.session_state[KEY]


def local_moment(day: date | None, at: time | None) -> datetime | None:
    if day is None or at is None:
        return None
    return datetime.combine(day, at, LOCAL_TZ)


def channel_fields(actor: Actor, channel: Channel, k: str) -> dict:
    """The contact and channel particulars each channel needs (R1)."""
    c1, c2 = st.columns(2)
    out: dict = {"name": c1.text_input("Họ tên khách hàng *", key=f"name-{k}", max_chars=200)}
    if channel is Channel.IN_PERSON:
        own_branch = actor.role is Role.STAFF and bool(actor.branch)
        out["branch"] = c2.text_input("Chi nhánh tiếp nhận *", value=actor.branch or "", key=f"branch-{k}",
                                      disabled=own_branch)
        out["phone"] = c1.text_input("Điện thoại", key=f"phone-{k}")
        out["email"] = c2.text_input("Email", key=f"email-{k}")
        out["address"] = st.text_input("Địa chỉ", key=f"address-{k}")
        st.caption("Sau khi lưu, in **Phiếu tiếp nhận** để khách hàng và nhân viên cùng ký.")
    elif channel is Channel.HOTLINE:
        out["phone"] = c2.text_input("Số điện thoại gọi đến *", key=f"phone-{k}")
        now = utcnow().astimezone(LOCAL_TZ)
        d1, d2, d3 = st.columns(3)
        out["call_day"] = d1.date_input("Ngày gọi *", value=now.date(), format="DD/MM/YYYY", key=f"callday-{k}")
        out["call_time"] = d2.time_input("Giờ gọi *", value=now.time().replace(second=0, microsecond=0),
                                         key=f"calltime-{k}", step=60)
        out["email"] = d3.text_input("Email (nếu có)", key=f"email-{k}")
    elif channel is Channel.EMAIL:
        out["email"] = c2.text_input("Email của khách hàng *", key=f"email-{k}")
        out["web_ticket"] = c1.text_input("Mã ticket web / tiêu đề email (nếu có)", key=f"webticket-{k}")
        out["phone"] = c2.text_input("Điện thoại (nếu có)", key=f"phone-{k}")
    else:
        out["address"] = st.text_input("Địa chỉ bưu chính của khách hàng *", key=f"address-{k}")
        out["letter_date"] = c2.date_input("Ngày ghi trên thư *", value=None, format="DD/MM/YYYY",
                                           key=f"letterdate-{k}")
        out["phone"] = c1.text_input("Điện thoại (nếu có)", key=f"phone-{k}")
    return out


def channel_requirements(channel: Channel, values: dict, received_at: datetime) -> dict:
    """Check what the chosen channel needs; return the particulars to keep with the intake."""
    if channel is Channel.HOTLINE:
        if not (values.get("phone") or "").strip():
            raise ValidationError("Vui lòng nhập số điện thoại gọi đến.", "phone")
        if received_at > utcnow():
            raise ValidationError("Thời điểm cuộc gọi không thể sau thời điểm hiện tại.", "call_time")
        return {"call_time": received_at.isoformat()}
    if channel is Channel.EMAIL:
        if not (values.get("email") or "").strip():
            raise ValidationError("Kênh email / web ticket: vui lòng nhập email của khách hàng.", "email")
        ref = (values.get("web_ticket") or "").strip()
        return {"web_ticket": ref} if ref else {}
    if channel is Channel.POST:
        if not (values.get("address") or "").strip():
            raise ValidationError("Kênh bưu điện: vui lòng nhập địa chỉ bưu chính của khách hàng.", "address")
        letter_date = values.get("letter_date")
        if letter_date is None:
            raise ValidationError("Vui lòng nhập ngày ghi trên thư.", "letter_date")
        if letter_date > received_at.astimezone(LOCAL_TZ).date():
            raise ValidationError("Ngày ghi trên thư không thể sau ngày tiếp nhận.", "letter_date")
        return {"letter_date": letter_date.isoformat()}
    if not (values.get("branch") or "").strip():
        raise ValidationError("Vui lòng nhập chi nhánh tiếp nhận.", "branch")
    return {}


def intake_form(actor: Actor) -> None:
    k = form_key()
    channel = st.radio("Kênh tiếp nhận", list(Channel), format_func=lambda c: c.label, horizontal=True,
                       key=f"channel-{k}")
    dups = st.session_state.get(DUPLICATES, [])
    if dups:
        st.warning("Có thể hồ sơ này đã được lưu: cùng khách hàng, cùng nội dung, vừa tiếp nhận "
                   + ", ".join(f"{d.ticket_code} lúc {format_local(d.received_at)}" for d in dups)
                   + ". Hãy mở hồ sơ đó trước khi lưu thêm.", icon=":material/content_copy:")
        for d in dups:
            case_link(d.ticket_code)
    with st.form(f"intake-{k}"):
        st.subheader("Khách hàng")
        values = channel_fields(actor, channel, k)
        st.subheader("Sự việc")
        c1, c2, c3 = st.columns(3)
        service = c1.selectbox("Dịch vụ *", list(Service), format_func=lambda s: s.label, key=f"service-{k}")
        kind = c2.selectbox("Loại khiếu nại *", list(IssueKind), format_func=lambda i: i.label, key=f"kind-{k}",
                            help="Chất lượng dịch vụ: thời hiệu 90 ngày; kinh doanh (cước, hợp đồng): 30 ngày.")
        event_date = c3.date_input("Ngày xảy ra sự việc *", value=None, format="DD/MM/YYYY", key=f"event-{k}")
        content = st.text_area("Nội dung phản ánh *", key=f"content-{k}", height=140,
                               placeholder="Khách hàng phản ánh gì, từ khi nào, ảnh hưởng ra sao…")
        request = st.text_area("Yêu cầu cần giải quyết *", key=f"request-{k}", height=90)
        files = st.file_uploader(
            "Tài liệu kèm theo", accept_multiple_files=True, key=f"files-{k}",
            max_upload_size=attachments.MAX_ATTACHMENT_BYTES // 1024 // 1024,
            help=f"PDF, ảnh, tài liệu văn phòng: {', '.join(attachments.ALLOWED_EXTENSIONS)}; "
                 f"tối đa {attachments.MAX_ATTACHMENT_BYTES // 1024 // 1024} MB mỗi tệp.")
        late_reason = None
        if st.session_state.get(LATE):
            st.warning(st.session_state[LATE], icon=":material/hourglass_bottom:")
            late_reason = st.text_area("Lý do chấp nhận *", key=f"late-{k}",
                                       help="Ghi rõ vì sao vẫn tiếp nhận khiếu nại đã quá thời hiệu.")
        new_anyway = bool(dups) and st.checkbox("Đây là khiếu nại mới, vẫn lưu thành hồ sơ riêng", key=f"dupok-{k}")
        submitted = st.form_submit_button("Lưu hồ sơ", type="primary")
    if submitted:
        save(actor, channel, values, service, kind, event_date, content, request, files or [], late_reason, k,
             check_duplicates=not new_anyway)


def save(actor: Actor, channel: Channel, values: dict, service: Service, kind: IssueKind,
         event_date: date | None, content: str, request: str, files: list, late_reason: str | None,
         k: str, check_duplicates: bool = True) -> None:
    received_at = (local_moment(values.get("call_day"), values.get("call_time")) if channel is Channel.HOTLINE
                   else None) or utcnow()
    draft = CaseDraft(
        customer=Customer(values.get("name", ""), values.get("phone"), values.get("email"), values.get("address")),
        channel=channel, service=service, issue_kind=kind, event_date=event_date, content=content,
        request=request, branch=(values.get("branch") or "").strip() or None,
    )
    uploads = [attachments.Upload(f.name, f.getvalue()) for f in files]
    try:
        details = channel_requirements(channel, values, received_at)
        if check_duplicates:
            with get_db().cursor() as cur:
                dups = duplicates.likely_duplicates(cur, draft, received_at, actor=actor, intake_key=k)
            st.session_state[DUPLICATES] = dups
            if dups:
                st.rerun()
        ensure_text_engine(get_db())      # tagging at intake needs the theme model (loaded at start)
        case = cases.receive(get_db(), actor, draft, late_reason=late_reason, received_at=received_at,
                             intake_key=k, attachments=uploads, details=details)
    except cases.LateComplaint as error:
        st.session_state[LATE] = str(error)
        st.rerun()
    except DomainError as error:
        show_error(error)
        return
    st.session_state[DONE] = case.ticket_code
    st.session_state.pop(LATE, None)
    st.session_state.pop(DUPLICATES, None)
    st.session_state[KEY] = uuid.uuid4().hex


def new_intake() -> None:
    st.session_state.pop(DONE, None)
    intake_lookup.forget()


def result(actor: Actor, done: str) -> None:
    try:
        intake_result.show(actor, done)
    except DomainError as error:
        show_error(error)
        st.session_state.pop(DONE, None)
    else:       # a callback: the next run is the new form, with no second run
        st.button("Tiếp nhận hồ sơ mới", type="primary", key="intake_new", on_click=new_intake)


actor = page_actor(Permission.HANDLE_CASES)
st.title("Tiếp nhận khiếu nại")
done = st.session_state.get(DONE)
if not done:
    body = st.empty()
    with body.container():
        intake_lookup.show(actor)
        st.caption("Các trường có dấu * là bắt buộc. Hồ sơ được cấp mã ngay khi lưu.")
        intake_form(actor)
    done = st.session_state.get(DONE)
    if done:            # saved in this run: the result takes the form's place, without a second run
        body.empty()
if done:
    result(actor, done)
