"""Hồ sơ: the case list (filters shared by link) and the case file with the actions the
procedure allows at the case's state (R5-R11)."""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Sequence

import streamlit as st

from ui import mail_case
from ui.reply_view import findings_table, show_result
from ui.session import get_db, page_actor
from ui.widgets import (after_write, customer_lines, enum_label, fields_table, frame, known_values, labelled_text,
                        md_escape, remaining_text, selected_row, show_error, themes_table)
from voc.insight import analytics, sla_report
from voc.desk import attachments, cases, documents, letters, root_causes
from voc.store import case_store
from voc.text import reply_check, tagging
from voc.accounts.access import Actor, Permission
from voc.store.audit import Event
from voc.clock import LOCAL_TZ, format_local, utcnow
from voc.errors import DomainError
from voc.desk.lifecycle import Action, allowed_actions
from voc.model import (Case, Channel, LetterDelivery, LetterKind, ReferralBody, RootCauseCategory, Service, SlaState,
                       Status)
from voc.numbers import vn_number
from voc.accounts.privacy import mask_address, mask_email
from voc.desk.sla import sla_state

PAGE_SIZE = 50
FLASH = "cases_flash"
LIST_COLUMNS = ["ticket_code", "received_at", "customer_name", "service", "channel", "status", "round",
                "sla_state", "reply_due_at", "resolution_due_at", "staff", "branch", "event_date_pending", "excerpt"]
# (query parameter, widget key, enum or None for plain strings)
MULTI_FILTERS = (("status", "f_status", Status), ("channel", "f_channel", Channel), ("service", "f_service", Service),
                 ("sla", "f_sla", SlaState), ("branch", "f_branch", None), ("staff", "f_staff", None))


# --- Filters kept in the URL ------------------------------------------------------------------

def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def restore_filters() -> None:
    """Seed the filter widgets from the link (plain strings) when they have no state yet."""
    params = st.query_params
    for name, key, enum in MULTI_FILTERS:
        if key not in st.session_state:
            values = [v for v in params.get(name, "").split(",") if v]
            if enum is not None:
                values = [enum(v) for v in values if v in {m.value for m in enum}]
            st.session_state[key] = values
    defaults = {"f_text": params.get("q", ""), "f_open": params.get("open") == "1",
                "f_from": _parse_date(params.get("from")), "f_to": _parse_date(params.get("to"))}
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)
    page = params.get("page", "1")
    st.session_state.setdefault("f_page", max(1, int(page)) if page.isdigit() else 1)


def save_filters(filt: case_store.CaseFilter, page: int) -> None:
    """Write the current view into the link so it can be shared."""
    values = {"status": filt.statuses, "channel": filt.channels, "service": filt.services, "sla": filt.sla_states,
              "branch": filt.branches, "staff": filt.staff}
    wanted = {name: ",".join(v.value if hasattr(v, "value") else v for v in vals) for name, vals in values.items()}
    wanted |= {"q": filt.text.strip(), "open": "1" if filt.open_only else "",
               "from": filt.received_from.isoformat() if filt.received_from else "",
               "to": filt.received_to.isoformat() if filt.received_to else "", "page": str(page) if page > 1 else ""}
    for name, value in wanted.items():
        if value and st.query_params.get(name) != value:
            st.query_params[name] = value
        elif not value and name in st.query_params:
            del st.query_params[name]


def filter_widgets(actor: Actor) -> case_store.CaseFilter:
    restore_filters()
    c1, c2 = st.columns([3, 1])
    text = c1.text_input("Tìm kiếm (mã hồ sơ, khách hàng, nội dung — không cần gõ dấu)", key="f_text")
    open_only = c2.checkbox("Chỉ hồ sơ đang mở", key="f_open")
    c1, c2, c3, c4 = st.columns(4)
    statuses = c1.multiselect("Trạng thái", list(Status), format_func=lambda s: s.label, key="f_status", placeholder="Tất cả")
    sla_states = c2.multiselect("Tình trạng SLA", list(SlaState), format_func=lambda s: s.label, key="f_sla", placeholder="Tất cả")
    channels = c3.multiselect("Kênh", list(Channel), format_func=lambda c: c.label, key="f_channel", placeholder="Tất cả")
    services = c4.multiselect("Dịch vụ", list(Service), format_func=lambda s: s.label, key="f_service", placeholder="Tất cả")
    c1, c2, c3, c4 = st.columns(4)
    scope = sla_report.branch_scope(actor)
    branch_options = [scope] if scope else sorted(set(known_values("branch")) | set(st.session_state["f_branch"]))
    branches = c1.multiselect("Chi nhánh", branch_options, key="f_branch", disabled=bool(scope), placeholder="Tất cả")
    staff_options = sorted(set(known_values("staff")) | set(st.session_state["f_staff"]))
    staff = c2.multiselect("Nhân viên", staff_options, key="f_staff", placeholder="Tất cả")
    received_from = c3.date_input("Tiếp nhận từ ngày", key="f_from", format="DD/MM/YYYY")
    received_to = c4.date_input("đến ngày", key="f_to", format="DD/MM/YYYY")
    return case_store.CaseFilter(statuses=statuses, channels=channels, services=services, branches=branches,
                                 staff=staff, sla_states=sla_states, received_from=received_from,
                                 received_to=received_to, text=text, open_only=open_only)


# --- The list ---------------------------------------------------------------------------------

def case_list(actor: Actor) -> None:
    st.title("Hồ sơ khiếu nại")
    with st.form("open_by_code", border=False):
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        code = c1.text_input("Mở hồ sơ theo mã", placeholder="KN-2026-000123")
        if c2.form_submit_button("Mở hồ sơ") and code.strip():
            open_ticket(code.strip().upper())
    filt = filter_widgets(actor)
    signature = repr(filt)
    if st.session_state.get("f_signature") not in (None, signature):
        st.session_state["f_page"] = 1
    st.session_state["f_signature"] = signature
    page = st.session_state["f_page"]
    with get_db().cursor() as cur:
        rows, total = case_store.list_cases(cur, filt, utcnow(), branch_scope=sla_report.branch_scope(actor),
                                            limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    save_filters(filt, page)
    st.caption(f"{vn_number(total)} hồ sơ" + (f" — trang {page}/{pages}" if total else "")
               + ". Chọn một dòng để mở hồ sơ.")
    if not rows:
        st.info("Không có hồ sơ nào khớp bộ lọc.")
    else:
        event = st.dataframe(frame(rows, LIST_COLUMNS), hide_index=True, width="stretch", key="case_list",
                             on_select="rerun", selection_mode="single-row")
        picked = selected_row(event)
        if picked is not None:
            open_ticket(rows[picked]["ticket_code"])
    if pages > 1:
        st.number_input("Trang", min_value=1, max_value=pages, key="f_page", step=1)


def open_ticket(code: str) -> None:
    st.query_params["ticket"] = code
    st.rerun()


def close_ticket() -> None:
    st.query_params.pop("ticket", None)
    st.session_state.pop("case_list", None)


# --- The case file ----------------------------------------------------------------------------

def case_file(actor: Actor, code: str) -> None:
    db = get_db()
    if st.button("← Danh sách hồ sơ", key="back_to_list"):
        close_ticket()
        st.rerun()
    try:
        case = cases.load_case(db, actor, code)
        events = cases.timeline(db, actor, code)
    except DomainError as error:
        show_error(error)
        return
    seen_key = f"seen_version_{case.ticket_code}"
    seen_version = st.session_state.get(seen_key, case.version)
    st.title(f"Hồ sơ {case.ticket_code}")
    st.caption(f"{case.status.label} — lần giải quyết {case.round} — {case.channel.label} — {case.service.label}"
               f" — chi nhánh {md_escape(case.branch) or '—'} — nhân viên {md_escape(case.staff) or '—'}")
    if flash := st.session_state.pop(FLASH, None):
        st.success(flash, icon=":material/check_circle:")
    with db.cursor() as cur:
        files = attachments.list_attachments(cur, case.id)
        issued = letters.letters_of(cur, case.id)
        tags = tagging.shown_tags(cur, case)
        cause = root_causes.root_cause_of(cur, case.id)
        followups = cases.followups_of(cur, case.id)
    left, right = st.columns([3, 2])
    with left:
        facts(actor, case)
        mail_case.show(actor, case)
    with right:
        clocks(case)
        followup_summary(followups)
        attachment_downloads(case, files)
    st.subheader("Chủ đề")
    themes_table(tags)
    letters_panel(actor, case, issued)
    if actor.can(Permission.HANDLE_CASES):
        actions_panel(actor, case, issued, seen_version)
    root_cause_panel(actor, case, cause)
    timeline_panel(events)
    st.session_state[seen_key] = case.version


def facts(actor: Actor, case: Case) -> None:
    st.subheader("Khách hàng")
    fields_table(customer_lines(actor, case.customer))
    st.subheader("Sự việc")
    fields_table([("Dịch vụ", case.service.label), ("Loại khiếu nại", case.issue_kind.label),
                  ("Ngày xảy ra sự việc", case.event_date.strftime("%d/%m/%Y") if case.event_date else None),
                  ("Tiếp nhận lúc", format_local(case.received_at)), ("Kênh", case.channel.label)])
    labelled_text("Nội dung phản ánh", case.content)
    labelled_text("Yêu cầu cần giải quyết", case.request)
    if case.late_complaint:
        st.warning("Khiếu nại quá thời hiệu, được chấp nhận với lý do:", icon=":material/hourglass_bottom:")
        st.text(case.late_reason or "")
    if case.referral_body:
        st.info(f"Đã chuyển {case.referral_body.label} ngày {case.referral_date:%d/%m/%Y}.")


def clocks(case: Case) -> None:
    now = utcnow()
    st.subheader(f"Thời hạn lần {case.round}")
    state = sla_state(case, now)
    if state is not None:
        {SlaState.ON_TIME: st.success, SlaState.DUE_24H: st.warning}.get(state, st.error)(state.label)
    replied = case.round_replied_at
    reply_text = (f"đã trả lời lúc {format_local(replied)}" if replied else remaining_text(case.reply_due_at, now))
    done = case.resolved_at or case.closed_at
    resolution_text = (f"hoàn tất lúc {format_local(done)}" if done else remaining_text(case.resolution_due_at, now))
    fields_table([("Mở lần này lúc", format_local(case.round_opened_at)),
                  ("Hạn trả lời", format_local(case.reply_due_at)), ("Trả lời", reply_text),
                  ("Hạn giải quyết", format_local(case.resolution_due_at)), ("Giải quyết", resolution_text)])


def followup_summary(followups: list[cases.Followup]) -> None:
    """The customer's satisfaction after resolution, on the case itself (not only in the timeline)."""
    if not followups:
        return
    st.subheader("Theo dõi sau giải quyết")
    latest = followups[0]
    st.metric("Mức độ hài lòng (lần theo dõi gần nhất)", f"{latest.satisfaction}/5",
              help=f"{len(followups)} lần theo dõi" if len(followups) > 1 else None)
    st.caption(f"{format_local(latest.contacted_at)} — {md_escape(latest.recorded_by)}")
    if latest.note:
        st.text(latest.note)
    if len(followups) > 1:
        st.dataframe([{"Thời điểm": format_local(f.contacted_at), "Hài lòng": f"{f.satisfaction}/5",
                       "Ghi chú": f.note or "", "Người ghi nhận": f.recorded_by} for f in followups],
                     hide_index=True, width="stretch", key="followups")


def attachment_downloads(case: Case, files: list) -> None:
    st.subheader(f"Tài liệu kèm theo ({len(files)})")
    if not files:
        st.caption("Không có tài liệu kèm theo.")
    with get_db().cursor() as cur:
        for f in files:
            st.download_button(f"{md_escape(f.filename)} ({vn_number(f.size_bytes / 1024)} KB)",
                               attachments.attachment_content(cur, case.id, f.id), file_name=f.filename,
                               mime=f.mime_type, key=f"att_{f.id}", help=f"SHA-256: {f.sha256}",
                               icon=":material/download:")


def delivery_text(actor: Actor, letter: letters.Letter) -> str:
    """How the letter was sent, the address masked for roles that may not see contacts."""
    d = letter.delivery
    if d is None:
        return "Chưa ghi nhận cách gửi (thư phát hành trước khi có mục này)."
    recipient = d.recipient
    if not actor.can(Permission.SEE_CONTACTS):
        recipient = {LetterDelivery.EMAIL: mask_email, LetterDelivery.POST: mask_address}.get(
            d.method, lambda text: text)(recipient)
    return f"Gửi: {d.method.label} — {recipient} — lúc {format_local(d.at)}"


def letters_panel(actor: Actor, case: Case, issued: list[letters.Letter]) -> None:
    st.subheader(f"Thư đã phát hành ({len(issued)})")
    if not issued:
        st.caption("Chưa có thư trả lời hay giấy mời nào.")
    for letter in issued:
        replaced = f" — đã bị thay thế bởi thư số {letter.superseded_by_number}" if letter.is_superseded else ""
        # A key keeps the expander open across reruns; downloads do not rerun and build the file on click.
        with st.expander(f"{letter.kind.label} số {letter.doc_number} — lần {letter.round} — "
                         f"{format_local(letter.issued_at)} — {letter.issued_by}{replaced}", key=f"letter_{letter.id}"):
            if letter.is_superseded:
                st.warning(f"Thư này đã bị thay thế bởi thư số {letter.superseded_by_number}.",
                           icon=":material/history:")
            st.text(f"V/v: {letter.subject}")
            if letter.supersedes_number:
                st.caption(f"Thay thế thư số {letter.supersedes_number}.")
            st.text(delivery_text(actor, letter))
            if letter.meeting_at:
                st.text(f"Hẹn làm việc: {format_local(letter.meeting_at)} tại {letter.meeting_place or ''}")
            st.text(letter.body)
            c1, c2 = st.columns(2)
            stem = letter.doc_number.replace("/", "-")
            c1.download_button("Tải DOCX", lambda letter=letter: documents.letter_docx(letter, case),
                               file_name=f"{stem}.docx", key=f"docx_{letter.id}", on_click="ignore",
                               mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            c2.download_button("Tải PDF", lambda letter=letter: documents.letter_pdf(letter, case),
                               file_name=f"{stem}.pdf", mime="application/pdf", key=f"pdf_{letter.id}",
                               on_click="ignore")


def root_cause_panel(actor: Actor, case: Case, cause: root_causes.RootCause | None) -> None:
    """The internal side of the resolution: root cause, the internal fix, its owner and date."""
    st.subheader("Nguyên nhân gốc & khắc phục nội bộ")
    if cause is None:
        st.caption("Chưa ghi nhận nguyên nhân gốc. Khắc phục tận gốc trong nội bộ quan trọng không kém việc "
                   "giải quyết cho khách hàng.")
    else:
        today = datetime.now(LOCAL_TZ).date()
        state = (f"Đã khắc phục lúc {format_local(cause.done_at)}" if cause.done_at
                 else "Quá hạn khắc phục" if cause.is_overdue(today) else "Đang thực hiện")
        fields_table([("Nhóm nguyên nhân", cause.category.label), ("Nguyên nhân", cause.cause),
                      ("Biện pháp khắc phục nội bộ", cause.action), ("Người / bộ phận phụ trách", cause.owner),
                      ("Hạn khắc phục", f"{cause.due_date:%d/%m/%Y}" if cause.due_date else None),
                      ("Tình trạng", state if cause.action else None),
                      ("Ghi nhận", f"{cause.recorded_by}, {format_local(cause.recorded_at)}")])
    if not actor.can(Permission.HANDLE_CASES):
        return
    categories = list(RootCauseCategory)
    with st.expander("Cập nhật nguyên nhân gốc" if cause else "Ghi nhận nguyên nhân gốc"):
        with st.form("root_cause"):
            category = st.selectbox("Nhóm nguyên nhân *", categories, format_func=lambda c: c.label,
                                    index=categories.index(cause.category) if cause else None,
                                    placeholder="Chọn nhóm nguyên nhân")
            text = st.text_area("Nguyên nhân *", value=cause.cause if cause else "", height=80,
                                max_chars=root_causes.MAX_TEXT_CHARS)
            action = st.text_area("Biện pháp khắc phục nội bộ", value=(cause.action or "") if cause else "",
                                  height=80, max_chars=root_causes.MAX_TEXT_CHARS)
            c1, c2 = st.columns(2)
            owner = c1.text_input("Người / bộ phận phụ trách", value=(cause.owner or "") if cause else "",
                                  max_chars=root_causes.MAX_OWNER_CHARS)
            due = c2.date_input("Hạn khắc phục", value=cause.due_date if cause else None, format="DD/MM/YYYY")
            done = st.checkbox("Đã khắc phục xong", value=bool(cause and cause.done_at))
            if st.form_submit_button("Lưu nguyên nhân gốc", type="primary"):
                run_action("Lưu nguyên nhân gốc", lambda: root_causes.record_root_cause(
                    get_db(), actor, case.ticket_code, category or "", text, action, owner, due, done))


def timeline_panel(events: list[Event]) -> None:
    st.subheader("Diễn biến hồ sơ")
    rows = [{"Thời điểm": format_local(e.at), "Người thực hiện": e.who,
             "Hành động": analytics.event_label(e.action), "Ghi chú": e.note or "",
             "Chi tiết": describe(e)} for e in events]
    st.dataframe(rows, hide_index=True, width="stretch")


def describe(event: Event) -> str:
    after = event.after or {}
    parts = []
    if "status" in after:
        parts.append(f"trạng thái → {enum_label(Status, after['status'])}")
    if "round" in after:
        parts.append(f"lần giải quyết → {after['round']}")
    if "filename" in after:
        parts.append(after["filename"])
    if "satisfaction" in after:
        parts.append(f"mức hài lòng {after['satisfaction']}/5")
    if "referral_body" in after:
        parts.append(enum_label(ReferralBody, after["referral_body"]))
    if "event_date" in after:
        parts.append(f"ngày xảy ra sự việc → {date.fromisoformat(after['event_date']):%d/%m/%Y}")
    if event.action == "customer_message":
        parts.append(f"thư “{after.get('subject') or ''}” — {after.get('threaded_by') or ''}")
    if after.get("late_complaint"):
        parts.append("quá thời hiệu — lý do: " + str(after.get("late_reason") or ""))
    return "; ".join(parts)


# --- Actions ----------------------------------------------------------------------------------

def run_action(label: str, call, clear: Sequence[str] = ()) -> None:
    """Run one use case; on success empty the widgets in `clear` and reload the file with a message,
    else show the Vietnamese error (the user's input stays)."""
    try:
        call()
    except DomainError as error:
        show_error(error)
        return
    for key in clear:
        st.session_state.pop(key, None)
    after_write()
    st.session_state[FLASH] = f"Đã thực hiện: {label}."
    st.rerun()


def actions_panel(actor: Actor, case: Case, issued: list, version: int) -> None:
    allowed = allowed_actions(case.status, case.round)
    followup = case.status in (Status.RESOLVED, Status.CLOSED)
    if not allowed and not followup:
        return
    st.subheader("Xử lý hồ sơ")
    tabs = [a.label for a in allowed] + (["Ghi nhận theo dõi sau giải quyết"] if followup else [])
    for tab, action in zip(st.tabs(tabs), allowed + ([None] if followup else [])):
        with tab:
            if action is Action.ISSUE_LETTER:
                letter_composer(actor, case, issued, version)
            elif action is Action.REFER:
                referral_form(actor, case, version)
            elif action is None:
                followup_form(actor, case)
            else:
                simple_action(actor, case, action, version)


SIMPLE_CALLS = {
    Action.START_VERIFICATION: cases.start_verification,
    Action.AWAIT_CUSTOMER: cases.mark_awaiting_customer,
    Action.CUSTOMER_AGREES: cases.record_agreement,
    Action.OPEN_SECOND_ROUND: cases.open_second_round,
    Action.CLOSE: cases.close,
}


def simple_action(actor: Actor, case: Case, action: Action, version: int) -> None:
    with st.form(f"act_{action.value}"):
        note = st.text_area("Ghi chú", key=f"note_{action.value}", height=80)
        if st.form_submit_button(action.label, type="primary"):
            run_action(action.label, lambda: SIMPLE_CALLS[action](
                get_db(), actor, case.ticket_code, expected_version=version, note=note.strip() or None))


def referral_form(actor: Actor, case: Case, version: int) -> None:
    with st.form("act_refer"):
        body = st.radio("Khách hàng chuyển đến", list(ReferralBody), format_func=lambda b: b.label, horizontal=True)
        when = st.date_input("Ngày chuyển", value=datetime.now(LOCAL_TZ).date(), format="DD/MM/YYYY")
        note = st.text_area("Ghi chú", height=80, key="note_refer")
        if st.form_submit_button(Action.REFER.label, type="primary"):
            run_action(Action.REFER.label, lambda: cases.refer(
                get_db(), actor, case.ticket_code, body, when, expected_version=version, note=note.strip() or None))


def followup_form(actor: Actor, case: Case) -> None:
    with st.form("act_followup"):
        satisfaction = st.slider("Mức độ hài lòng của khách hàng", 1, 5, 4, key="followup_score")
        note = st.text_area("Ghi chú cuộc gọi theo dõi", height=80, key="followup_note")
        if st.form_submit_button("Ghi nhận theo dõi", type="primary"):
            run_action("Ghi nhận theo dõi", lambda: cases.record_followup(
                get_db(), actor, case.ticket_code, int(satisfaction), note=note),
                clear=("followup_score", "followup_note"))


def _composer_keys(code: str) -> dict[str, str]:
    """The composer's widget keys for one case (all cleared once a letter is issued)."""
    return {name: f"{prefix}_{code}" for name, prefix in (
        ("drafted_kind", "lkind"), ("subject", "ls"), ("body", "lb"), ("day", "lmd"), ("time", "lmt"),
        ("place", "lmp"), ("supersedes", "lsup"), ("method", "ldm"), ("recipient", "ldr"), ("sent_at", "ldt"))}


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


def letter_composer(actor: Actor, case: Case, issued: list[letters.Letter], version: int) -> None:
    """Draft from the template, edit, then issue and send (stored, never changed; a correction supersedes).

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
    issue = c3.button("Phát hành thư", type="primary", key=f"lissue_{code}")
    if check and kind is LetterKind.REPLY:
        reply_checker_panel(actor, case, body)
    elif check:
        invitation_checker_panel(actor, case, subject, body, meeting_at, place)
    if issue:
        run_action(f"phát hành {kind.label.lower()}", lambda: letters.issue_letter(
            get_db(), actor, code, kind, subject, body, delivery=delivery, meeting_at=meeting_at,
            meeting_place=place, supersedes=supersedes, expected_version=version), clear=keys.values())


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


actor = page_actor()
ticket = st.query_params.get("ticket")
if ticket:
    case_file(actor, ticket)
else:
    case_list(actor)
