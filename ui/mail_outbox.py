"""Quản trị → Thư điện tử: whether sending is on, the outbox (queued / sent / failed, attempts, last
error), "retry now". Also starts the process's background mail worker, once (st.cache_resource),
unless VOC_MAIL_WORKER=external says a separate `python -m voc worker` process runs it."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.session import get_db
from ui.widgets import md_escape, show_error
from voc.accounts.access import Actor
from voc.clock import format_local
from voc.errors import DomainError
from voc.mail import outbox, sender, worker
from voc.mail.outbox import MailStatus, OutboxMail
from voc.mail.settings import MailSettings, WorkerMode, mail_settings, worker_mode
from voc.numbers import vn_number

_OFF = MailSettings(None, None, None)


def _settings() -> tuple[MailSettings, str | None]:
    """The mail settings, or sending off with the reason when a variable cannot be read."""
    try:
        return mail_settings(), None
    except DomainError as error:
        return _OFF, str(error)


def _worker_mode() -> tuple[WorkerMode, str | None]:
    """Who runs the mail worker; an unreadable VOC_MAIL_WORKER keeps it in the app (no mail waits) and says why."""
    try:
        return worker_mode(), None
    except DomainError as error:
        return WorkerMode.IN_APP, str(error)


def start_mail_worker() -> worker.MailWorker | None:
    """This server process's background worker, or None when a separate worker process runs the passes."""
    if _worker_mode()[0] is WorkerMode.EXTERNAL:
        return None
    return _in_app_worker()


@st.cache_resource(validate=lambda running: running.is_alive(), show_spinner=False)
def _in_app_worker() -> worker.MailWorker:
    """The one background worker of this server process; reruns and new sessions get the same one."""
    return worker.ensure_worker(get_db(), _settings()[0])


def _state(mail: OutboxMail) -> str:
    if mail.status is MailStatus.QUEUED and mail.last_error:
        return "Đang chờ gửi lại"
    return mail.status.label


def _table(mails: list[OutboxMail]) -> pd.DataFrame:
    return pd.DataFrame([{
        "Mã thư": m.id, "Trạng thái": _state(m), "Số lần thử": m.attempts, "Lỗi gần nhất": m.last_error or "",
        "Lần thử tới": format_local(m.next_attempt_at) if m.status is MailStatus.QUEUED else "",
        "Người nhận": m.to_address, "Tiêu đề": m.subject, "Loại": m.kind.label,
        "Xếp hàng lúc": format_local(m.queued_at), "Gửi lúc": format_local(m.sent_at), "Message-ID": m.message_id,
    } for m in mails])


def _sending_notice(settings: MailSettings, error: str | None) -> None:
    kept = ("Thư vẫn được xếp vào hàng đợi nên không thư nào bị mất: khi bật gửi thư, "
            "các thư đang chờ sẽ được gửi.")
    if error:
        st.error(f"Cấu hình gửi thư không hợp lệ, gửi thư đang tắt: {md_escape(error)} {kept}")
    elif settings.sending:
        st.success(f"Gửi thư đang bật: máy chủ {md_escape(settings.smtp.describe())}, "
                   f"người gửi {md_escape(settings.sender)}.")
    else:
        st.info(f"Gửi thư đang tắt: chưa đặt đủ VOC_SMTP_URL và VOC_MAIL_FROM. {kept}")
    mode, mode_error = _worker_mode()
    if mode_error:
        st.warning(f"{md_escape(mode_error)} Ứng dụng tự chạy tiến trình thư.")
    if mode is WorkerMode.EXTERNAL:
        st.caption("Thư được nhận và gửi bởi tiến trình riêng `python -m voc worker` (VOC_MAIL_WORKER=external), "
                   "không phải bởi tiến trình ứng dụng này.")
    running = worker.current_worker()
    if running is not None and running.is_alive():
        last = running.last.get(worker.send_pass.__name__)
        text = f"Tiến trình gửi nền đang chạy, mỗi {running.interval_s:.0f} giây."
        if last is not None:
            text += f" Lượt gần nhất {format_local(last.at)}: " + (
                f"lỗi {last.error}" if last.error else last.result.summary())
        st.caption(md_escape(text))


def show(db, actor: Actor, key: str = "mail_outbox") -> None:
    settings, error = _settings()
    flash = st.session_state.pop(f"{key}_flash", None)
    if flash:
        st.success(flash)
    _sending_notice(settings, error)
    try:
        counts = outbox.outbox_counts(db, actor)
    except DomainError as refusal:
        show_error(refusal)
        return
    for column, status in zip(st.columns(len(MailStatus)), MailStatus):
        column.metric(status.label, vn_number(counts[status]))

    choices = [None, *MailStatus]
    status = st.selectbox("Trạng thái", choices, key=f"{key}_status",
                          format_func=lambda s: "Tất cả" if s is None else s.label)
    mails = outbox.outbox_mails(db, actor, status)
    if not mails:
        st.caption("Hàng đợi thư trống.")
        return
    st.dataframe(_table(mails), hide_index=True, width="stretch", key=f"{key}_table")

    waiting = [m for m in mails if m.status is not MailStatus.SENT]
    if not waiting:
        return
    with st.form(f"{key}_retry"):
        picked = st.multiselect("Thư cần gửi lại ngay", [m.id for m in waiting], placeholder="Chọn thư",
                                select_all=False,
                                format_func=lambda i: next(f"#{m.id} — {m.to_address} — {_state(m)}"
                                                           for m in waiting if m.id == i))
        c1, c2 = st.columns(2)
        chosen = c1.form_submit_button("Gửi lại ngay", type="primary")
        all_failed = c2.form_submit_button("Gửi lại tất cả thư thất bại")
    if not (chosen or all_failed):
        return
    ids = picked if chosen else [m.id for m in waiting if m.status is MailStatus.FAILED]
    if not ids:
        st.warning("Chưa chọn thư nào để gửi lại.")
        return
    try:
        count = sender.retry_now(db, actor, ids)
    except DomainError as refusal:
        show_error(refusal)
        return
    running = worker.current_worker()
    if running is not None:
        running.wake()
    st.session_state[f"{key}_flash"] = f"Đã đặt {vn_number(count)} thư gửi lại ngay." + (
        "" if settings.sending else " Gửi thư đang tắt: thư sẽ được gửi khi bật gửi thư.")
    st.rerun()
