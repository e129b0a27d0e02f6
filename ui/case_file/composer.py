"""The letter composer: draft from the template, edit, check, then issue and send."""
from __future__ import annotations

from datetime import datetime, time
from typing import Callable

import streamlit as st

from ui.case_file.flash import run_action
from ui.reply_view import findings_table, show_result
from ui.session import get_db
from ui.widgets import show_error
from voc.accounts.access import Actor
from voc.clock import LOCAL_TZ
from voc.desk import letters
from voc.errors import DomainError
from voc.model import Case, LetterDelivery, LetterKind
from voc.text import reply_check


def _composer_keys(code: str) -> dict[str, str]:
    """The composer's widget keys for one case (all cleared once a letter is issued)."""
    return {name: f"{prefix}_{code}" for name, prefix in (
        ("drafted_kind", "lkind"), ("subject", "ls"), ("body", "lb"), ("day", "lmd"), ("time", "lmt"),
        ("place", "lmp"), ("supersedes", "lsup"), ("method", "ldm"), ("recipient", "ldr"), ("sent_at", "ldt"))}


def issue_key(code: str) -> str:
    return f"lissue_{code}"


def _meeting(keys: dict[str, str]) -> tuple[datetime | None, str]:
    day, at = st.session_state.get(keys["day"]), st.session_state.get(keys["time"]) or time(9, 0)
    return (datetime.combine(day, at, LOCAL_TZ) if day else None), st.session_state.get(keys["place"]) or ""


def _sync_meeting(keys: dict[str, str]) -> None:
    """A meeting field changed: the body's "Thời gian:"/"Địa điểm:" lines follow it, every other edit stays."""
    st.session_state[keys["body"]] = letters.with_meeting(st.session_state.get(keys["body"], ""), *_meeting(keys))


def _redraft(case: Case, kind: LetterKind, keys: dict[str, str]) -> None:
    draft = letters.draft_letter(case, kind, *_meeting(keys))
    st.session_state[keys["subject"]], st.session_state[keys["body"]] = draft.subject, draft.body
    st.session_state[keys["drafted_kind"]] = kind


def _suggest_recipient(case: Case, keys: dict[str, str]) -> None:
    st.session_state[keys["recipient"]] = letters.suggested_delivery(case, st.session_state[keys["method"]]).recipient


def show(actor: Actor, case: Case, issued: list[letters.Letter], version: int,
         on_refused: Callable[[str], None] = lambda body: None) -> None:
    """Draft from the template, edit, then issue and send (stored, never changed; a correction supersedes).
    `on_refused(body)` gets the letter's text when issuing it is refused.

    No st.form: a change of the meeting fields rewrites the meeting lines in the body at once, keeping
    the rest of the user's edits."""
    code = case.ticket_code
    keys = _composer_keys(code)
    kind = st.radio("Loại thư", list(LetterKind), format_func=lambda k: k.label, horizontal=True, key=f"lk_{code}")
    if kind is LetterKind.INVITATION:
        c1, c2, c3 = st.columns(3)
        c1.date_input("Ngày hẹn", value=None, format="DD/MM/YYYY", key=keys["day"],
                      on_change=_sync_meeting, args=(keys,))
        c2.time_input("Giờ hẹn", value=time(9, 0), key=keys["time"], step=900, on_change=_sync_meeting, args=(keys,))
        c3.text_input("Địa điểm", key=keys["place"], on_change=_sync_meeting, args=(keys,))
    meeting_at, place = _meeting(keys) if kind is LetterKind.INVITATION else (None, None)
    if st.session_state.get(keys["drafted_kind"]) != kind or keys["body"] not in st.session_state:
        _redraft(case, kind, keys)
    subject = st.text_input("Trích yếu (V/v)", key=keys["subject"])
    body = st.text_area("Nội dung thư (sửa trước khi phát hành)", key=keys["body"], height=320)
    current = [letter for letter in issued if not letter.is_superseded]
    names = {letter.id: f"Đính chính / thay thế thư số {letter.doc_number}" for letter in current}
    supersedes = st.selectbox("Thay thế thư đã phát hành", [None] + list(names), key=keys["supersedes"],
                              format_func=lambda i: "(Không — thư mới)" if i is None else names[i])
    delivery = delivery_widgets(case, keys)
    c1, c2, c3 = st.columns(3)
    c1.button("Tạo lại bản nháp từ mẫu", key=f"lredraft_{code}", on_click=_redraft, args=(case, kind, keys),
              help="Bỏ các chỉnh sửa và soạn lại từ mẫu.")
    check = c2.button("Kiểm tra thư", key=f"lcheck_{code}")
    issue = c3.button("Phát hành thư", type="primary", key=issue_key(code))
    if check and kind is LetterKind.REPLY:
        reply_checker_panel(actor, case, body)
    elif check:
        invitation_checker_panel(actor, case, subject, body, meeting_at, place)
    if issue:
        run_action(f"phát hành {kind.label.lower()}", lambda: letters.issue_letter(
            get_db(), actor, code, kind, subject, body, delivery=delivery, meeting_at=meeting_at,
            meeting_place=place, supersedes=supersedes, expected_version=version), clear=keys.values())
        on_refused(body)                      # reached only when refused: a success reloads the page


def delivery_widgets(case: Case, keys: dict[str, str]) -> letters.Delivery:
    """How the letter is sent and to whom (prefilled from the case's contacts), and when for post or hand delivery."""
    suggested = letters.suggested_delivery(case)
    methods = list(LetterDelivery)
    method = st.radio("Gửi thư cho khách hàng qua", methods, index=methods.index(suggested.method),
                      format_func=lambda m: m.label, horizontal=True, key=keys["method"],
                      on_change=_suggest_recipient, args=(case, keys))
    if keys["recipient"] not in st.session_state:
        st.session_state[keys["recipient"]] = letters.suggested_delivery(case, method).recipient
    c1, c2 = st.columns([2, 1])
    recipient = c1.text_input(method.recipient_label, key=keys["recipient"])
    if method is LetterDelivery.EMAIL:
        c2.caption("Thư được gửi kèm bản PDF ngay khi phát hành.")
        return letters.Delivery(method, recipient)
    sent = c2.datetime_input("Gửi lúc", value=None, format="DD/MM/YYYY", step=60, key=keys["sent_at"],
                             help="Để trống nếu gửi ngay lúc phát hành; nhập nếu thư đã gửi / trao trước khi ghi nhận.")
    return letters.Delivery(method, recipient, sent.replace(tzinfo=LOCAL_TZ) if sent else None)


def invitation_checker_panel(actor: Actor, case: Case, subject: str, body: str, meeting_at: datetime | None,
                             place: str | None) -> None:
    """"Kiểm tra" on an invitation: what would stop it being issued and the checklist points that apply."""
    with st.expander("Kiểm tra giấy mời", expanded=True):
        try:
            findings = letters.check_invitation(get_db(), case.ticket_code, subject, body, meeting_at, place,
                                                writer=actor.username)
        except DomainError as error:
            show_error(error)
            return
        if not findings:
            st.success("Giấy mời sẵn sàng phát hành: thời gian, địa điểm khớp với nội dung thư.")
        else:
            findings_table(findings, f"invitation_{case.ticket_code}")


def reply_checker_panel(actor: Actor, case: Case, body: str) -> None:
    """The procedure's reply checklist on the draft, before it is issued (Trả lời's checker)."""
    with st.expander("Kiểm tra thư trả lời theo tiêu chí của quy trình", expanded=True):
        try:
            show_result(reply_check.check_draft(get_db(), body, ticket_code=case.ticket_code,
                                                writer=actor.username), f"case_{case.ticket_code}")
        except DomainError as error:
            show_error(error)
