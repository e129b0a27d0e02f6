"""Use cases of the complaint procedure: receive, verify, reply, record the answer, second round,
referral, close, follow-up. Each takes the acting user, changes the case in one transaction and
writes its audit event in that same transaction (R11)."""
from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Callable

from voc.accounts import branches
from voc.store import case_store
from voc.desk import attachments as attachment_store
from voc.mail.notifications import Recipient, new_case_watchers, queue_new_case_notices
from voc.mail.outbox import CustomerMail, queue_confirmation
from voc.accounts.access import Actor, Permission
from voc.accounts.privacy import text_for
from voc.store.audit import record_event
from voc.store.pending import PendingRows
from voc.clock import from_db, local_date, to_db, utcnow
from voc.errors import ConflictError, PermissionDenied, ValidationError
from voc.desk.lifecycle import Action, next_status
from voc.model import Case, CaseDraft, DocumentKind, IssueKind, ReferralBody, Status
from voc.desk.policy import Policy, load_policy
from voc.desk.sla import days_since_event, is_past_limitation, limitation_days, reply_due_at, resolution_due_at
from voc.numbers import vn_number
from voc.plaintext import clean_text

MAX_TEXT_CHARS = 50_000
MAX_NAME_CHARS = 200
MAX_NOTE_CHARS = MAX_TEXT_CHARS     # an action's note: the same limit as the complaint's text at intake
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 .()-]{8,20}$")
EARLIEST_EVENT = date(2000, 1, 1)

# Hooks run inside the intake transaction after the case row exists (e.g. theme tagging).
# Each is called as hook(cur, case) and must not commit. A hook may also give a batch form,
# batch(cur, cases), which intake of many cases in one transaction (mail) calls once instead.
_after_receive_hooks: list[Callable] = []
_batch_forms: dict[Callable, Callable] = {}


def on_receive(hook: Callable, *, batch: Callable | None = None) -> Callable:
    _after_receive_hooks.append(hook)
    if batch is not None:
        _batch_forms[hook] = batch
    return hook


def after_receive_batch(cur, received: list[Case]) -> None:
    """Run the batch form of each hook that `receive_in(..., deferred=...)` left for later."""
    if received:
        for hook in _after_receive_hooks:
            if hook in _batch_forms:
                _batch_forms[hook](cur, received)


class LateComplaint(ValidationError):
    """R8: past the statute of limitations; accepting it needs a recorded reason."""

    def __init__(self, days: int, limit: int):
        super().__init__(
            f"Khiếu nại đã quá thời hiệu: sự việc xảy ra cách ngày tiếp nhận {days} ngày, "
            f"vượt giới hạn {limit} ngày. Chỉ tiếp nhận khi ghi rõ lý do chấp nhận.",
            "late_reason",
        )
        self.days = days
        self.limit = limit


def validate_draft(draft: CaseDraft, received_at: datetime, *, require_event_date: bool = True) -> None:
    """Required fields (R2), a contact, sane sizes, an event date not in the future."""
    c = draft.customer
    if not clean_text(c.name):
        raise ValidationError("Vui lòng nhập tên khách hàng.", "customer_name")
    if len(c.name) > MAX_NAME_CHARS:
        raise ValidationError(f"Tên khách hàng quá dài (tối đa {MAX_NAME_CHARS} ký tự).", "customer_name")
    if not (clean_text(c.phone) or clean_text(c.email) or clean_text(c.address)):
        raise ValidationError("Vui lòng nhập ít nhất một thông tin liên hệ: điện thoại, email hoặc địa chỉ.", "contact")
    if clean_text(c.phone) and not _PHONE.match(clean_text(c.phone)):
        raise ValidationError("Số điện thoại không hợp lệ.", "customer_phone")
    if clean_text(c.email) and not _EMAIL.match(clean_text(c.email)):
        raise ValidationError("Địa chỉ email không hợp lệ.", "customer_email")
    if not clean_text(draft.content):
        raise ValidationError("Vui lòng nhập nội dung phản ánh.", "content")
    if not clean_text(draft.request):
        raise ValidationError("Vui lòng nhập yêu cầu cần giải quyết.", "request")
    for name, value in (("content", draft.content), ("request", draft.request)):
        if len(value) > MAX_TEXT_CHARS:
            raise ValidationError(
                f"Nội dung quá dài ({len(value):,} ký tự; tối đa {MAX_TEXT_CHARS:,}). "
                "Hãy rút gọn và đính kèm phần còn lại dưới dạng tệp.".replace(",", "."), name)
    if draft.event_date is not None or require_event_date:
        validate_event_date(draft.event_date, received_at)


def validate_event_date(event_date: date | None, received_at: datetime) -> None:
    if event_date is None:
        raise ValidationError("Vui lòng nhập ngày xảy ra sự việc.", "event_date")
    if event_date > local_date(received_at):
        raise ValidationError("Ngày xảy ra sự việc không thể sau ngày tiếp nhận.", "event_date")
    if event_date < EARLIEST_EVENT:
        raise ValidationError("Ngày xảy ra sự việc không hợp lệ (trước năm 2000).", "event_date")


def clean_note(note: str | None) -> str | None:
    """An action's note as stored (None when empty), refused with a Vietnamese message when too long."""
    text = clean_text(note)
    if len(text) > MAX_NOTE_CHARS:
        raise ValidationError(f"Ghi chú quá dài ({vn_number(len(text))} ký tự; tối đa {vn_number(MAX_NOTE_CHARS)}). "
                              "Hãy rút gọn và đính kèm phần còn lại dưới dạng tệp.", "note")
    return text or None


@dataclass(frozen=True)
class LimitationCheck:
    late: bool
    days: int
    limit: int


def check_limitation(draft: CaseDraft | Case, received_at: datetime, policy: Policy) -> LimitationCheck:
    """R8 on the event date and issue kind of a draft, or of a case whose event date is filled in later."""
    return LimitationCheck(
        late=is_past_limitation(draft.event_date, received_at, draft.issue_kind, policy),
        days=days_since_event(draft.event_date, received_at),
        limit=limitation_days(draft.issue_kind, policy),
    )


def receive(db, actor: Actor, draft: CaseDraft, *, late_reason: str | None = None,
            received_at: datetime | None = None, intake_key: str | None = None,
            attachments: list | None = None, details: dict | None = None,
            allow_missing_event_date: bool = False, batch: "IntakeBatch | None" = None,
            answering: CustomerMail | None = None) -> Case:
    """R3: log a complaint, give it a unique ticket code and its round-1 clocks.

    `details` are channel particulars (call time, letter date, web ticket reference...) kept in the
    intake's audit event.

    `intake_key` makes a repeated submission of the same form return the case it already saved.
    `attachments` are `attachments.Upload` values stored in the same transaction, and so is the
    confirmation e-mail (R3) when the customer gave an address.
    `allow_missing_event_date` (mail intake): a draft without an event date is saved with the case
    flagged `event_date_pending`; R8 runs when staff fill the date in (`set_event_date`).
    Within an `IntakeBatch` (many cases in one transaction), the policy and the branch are read once
    for the batch, and hooks that have a batch form run once for all in `IntakeBatch.finish`.
    `answering`: the customer's e-mail the case came from; the confirmation answers it in its thread.
    """
    actor.require(Permission.HANDLE_CASES)
    received_at = received_at or utcnow()
    validate_draft(draft, received_at, require_event_date=not allow_missing_event_date)
    pending = draft.event_date is None
    uploads = attachment_store.validate_uploads(attachments or [])
    with db.transaction() as cur:
        if intake_key:
            existing = case_store.find_by_intake_key(cur, intake_key)
            if existing is not None:
                return existing
        policy = batch.policy() if batch is not None else load_policy(cur)
        limitation = (LimitationCheck(False, 0, limitation_days(draft.issue_kind, policy)) if pending
                      else check_limitation(draft, received_at, policy))
        reason = clean_text(late_reason)
        if limitation.late and not reason:
            raise LateComplaint(limitation.days, limitation.limit)
        name = draft.branch or actor.branch
        branch = batch.branch(name) if batch is not None else branches.resolve(cur, name)   # managed, active
        if not actor.may_touch_branch(branch):
            raise PermissionDenied("Bạn chỉ được tiếp nhận hồ sơ cho chi nhánh của mình.")
        code = case_store.next_ticket_code(cur, local_date(received_at).year)
        reply_due, resolution_due = reply_due_at(received_at, policy), resolution_due_at(received_at, policy)
        values = dict(
            ticket_code=code, received_at=received_at, channel=draft.channel, issue_kind=draft.issue_kind,
            service=draft.service, customer_name=clean_text(draft.customer.name),
            customer_phone=clean_text(draft.customer.phone) or None, customer_email=clean_text(draft.customer.email) or None,
            customer_address=clean_text(draft.customer.address) or None, event_date=draft.event_date,
            content=clean_text(draft.content), request=clean_text(draft.request), status=Status.RECEIVED, round=1,
            round_opened_at=received_at, reply_due_at=reply_due, resolution_due_at=resolution_due,
            late_complaint=limitation.late, late_reason=reason if limitation.late else None,
            staff=draft.staff or actor.username, branch=branch, intake_key=intake_key, event_date_pending=pending,
        )
        case = case_store.insert_case(cur, values)
        pending = batch.pending if batch is not None else None      # rows nothing reads before the batch ends
        case_store.insert_round(cur, case.id, 1, received_at, reply_due, resolution_due, pending=pending)
        record_event(cur, actor.username, "case", case.id, "received", None,
                     {"ticket_code": code, "status": Status.RECEIVED, "channel": draft.channel,
                      "late_complaint": limitation.late, "late_reason": values["late_reason"],
                      **({"event_date_pending": True} if pending else {}),
                      **({"details": details} if details else {})},
                     at=received_at, pending=pending)
        for upload in uploads:
            attachment_store.store(cur, actor, case.id, upload, received_at, pending=pending)
        queue_confirmation(cur, case, actor.username, answering=answering, pending=pending)
        watchers = batch.watchers(branch) if batch is not None else new_case_watchers(cur, branch)
        queue_new_case_notices(cur, case, watchers, actor.username, pending=pending)
        for hook in _after_receive_hooks:
            if batch is None or hook not in _batch_forms:
                hook(cur, case)
        if batch is not None:
            batch.received.append(case)
    return case


class _Within:
    """A caller's open transaction, handed to `receive` as its database: nothing is committed here."""

    def __init__(self, cur):
        self._cur = cur

    @contextmanager
    def transaction(self):
        yield self._cur


def receive_in(cur, actor: Actor, draft: CaseDraft, **options) -> Case:
    """`receive` inside the caller's transaction (the mail intake records the message in the same
    one). Everything that can refuse the draft is checked before the first write."""
    return receive(_Within(cur), actor, draft, **options)


class IntakeBatch:
    """Cases received one after another in one caller's transaction (the mail fetch's chunk): the
    policy, each branch and who watches it are read once for the batch; the cases' rounds, audit
    events and queued mails are written together, and the hooks that have a batch form (theme tagging) run once for
    all its cases, in `finish`, before the caller commits."""

    def __init__(self, cur):
        self.cur = cur
        self.received: list[Case] = []
        self._policy: Policy | None = None
        self._branches: dict[str | None, str | None] = {}
        self._watchers: dict[str | None, list[Recipient]] = {}
        self.pending = PendingRows()        # rounds, events and queued mails, written in `finish`

    def policy(self) -> Policy:
        if self._policy is None:
            self._policy = load_policy(self.cur)
        return self._policy

    def branch(self, name: str | None) -> str | None:
        if name not in self._branches:
            self._branches[name] = branches.resolve(self.cur, name)
        return self._branches[name]

    def watchers(self, branch: str | None) -> list[Recipient]:
        """Who wants a mail about each new case of `branch` (voc.mail.notifications)."""
        if branch not in self._watchers:
            self._watchers[branch] = new_case_watchers(self.cur, branch)
        return self._watchers[branch]

    def receive(self, actor: Actor, draft: CaseDraft, **options) -> Case:
        return receive_in(self.cur, actor, draft, batch=self, **options)

    def finish(self) -> None:
        self.pending.flush(self.cur)
        after_receive_batch(self.cur, self.received)


def set_event_date(db, actor: Actor, ticket_code: str, event_date: date | None, issue_kind: IssueKind | None = None,
                   *, late_reason: str | None = None, expected_version: int | None = None,
                   at: datetime | None = None) -> Case:
    """Fill in the event date of a case opened without one (mail intake), then run R8 on it.

    Staff may correct the issue kind at the same time (the mail intake only guesses it). A late
    complaint needs a recorded reason, as at intake. Audited with before and after."""
    actor.require(Permission.HANDLE_CASES)
    at = at or utcnow()
    with db.transaction() as cur:
        case = case_store.get_case(cur, ticket_code)
        if not actor.may_touch_branch(case.branch):
            raise PermissionDenied("Bạn chỉ được xử lý hồ sơ của chi nhánh mình.")
        if expected_version is not None and case.version != expected_version:
            raise ConflictError(case_store.CONFLICT_MESSAGE)
        if case.event_date is not None:
            raise ValidationError("Hồ sơ đã có ngày xảy ra sự việc; ngày này không sửa lại được.", "event_date")
        validate_event_date(event_date, case.received_at)
        kind = issue_kind or case.issue_kind
        limitation = check_limitation(replace(case, event_date=event_date, issue_kind=kind), case.received_at,
                                      load_policy(cur))
        reason = clean_text(late_reason)
        if limitation.late and not reason:
            raise LateComplaint(limitation.days, limitation.limit)
        changes = {"event_date": event_date, "issue_kind": kind, "event_date_pending": False,
                   "late_complaint": limitation.late, "late_reason": reason if limitation.late else None}
        before = {k: getattr(case, k) for k in changes}
        case_store.update_case(cur, case, changes, at)
        record_event(cur, actor.username, "case", case.id, "event_date_set", before, changes, at=at)
        return case_store.get_case_by_id(cur, case.id)


def load_case(db, actor: Actor, ticket_code: str) -> Case:
    with db.cursor() as cur:
        case = case_store.get_case(cur, ticket_code)
    if not actor.may_touch_branch(case.branch):
        raise PermissionDenied("Bạn chỉ được xem hồ sơ của chi nhánh mình.")
    return case


def add_attachments(db, actor: Actor, ticket_code: str, uploads: list, at: datetime | None = None, *,
                    kind: DocumentKind = DocumentKind.OTHER) -> list[int]:
    """Add documents (`attachments.Upload`) to a case after intake: the same file rules as at intake,
    all or none, a file the case already holds (same SHA-256) refused; each audited and the case's
    version moved on, in one transaction."""
    actor.require(Permission.HANDLE_CASES)
    if not uploads:
        raise ValidationError("Vui lòng chọn ít nhất một tệp để thêm vào hồ sơ.", "attachments")
    checked = attachment_store.validate_uploads(uploads)
    at = at or utcnow()
    with db.transaction() as cur:
        case = case_store.get_case(cur, ticket_code)
        if not actor.may_touch_branch(case.branch):
            raise PermissionDenied("Bạn chỉ được xử lý hồ sơ của chi nhánh mình.")
        attachment_store.refuse_duplicates(cur, case.id, checked)
        case_store.update_case(cur, case, {}, at)
        return [attachment_store.store(cur, actor, case.id, u, at, kind) for u in checked]


def apply_action(cur, actor: Actor, case: Case, action: Action, at: datetime,
                 changes: dict | None = None, note: str | None = None) -> Case:
    """Move `case` by `action` inside the caller's transaction, with its audit event."""
    actor.require(Permission.HANDLE_CASES)
    if not actor.may_touch_branch(case.branch):
        raise PermissionDenied("Bạn chỉ được xử lý hồ sơ của chi nhánh mình.")
    note = clean_note(note)
    new_status = next_status(case.status, case.round, action)
    changes = dict(changes or {})
    if new_status is not case.status:
        changes["status"] = new_status
    before = {k: getattr(case, k, None) for k in changes}
    case_store.update_case(cur, case, changes, at)
    record_event(cur, actor.username, "case", case.id, action.value, before, changes, note, at=at)
    return case_store.get_case_by_id(cur, case.id)


def _act(db, actor: Actor, ticket_code: str, action: Action, *, expected_version: int | None,
         at: datetime | None, changes_for: Callable[..., dict] | None = None,
         after: Callable | None = None, note: str | None = None) -> Case:
    """Load, check the version the user saw, apply `action`, run `after(cur, case)`: one transaction."""
    at = at or utcnow()
    with db.transaction() as cur:
        case = case_store.get_case(cur, ticket_code)
        if expected_version is not None and case.version != expected_version:
            raise ConflictError(case_store.CONFLICT_MESSAGE)
        changes = changes_for(cur, case, at) if changes_for else None
        case = apply_action(cur, actor, case, action, at, changes, note)
        if after:
            after(cur, case)
        return case


def start_verification(db, actor: Actor, ticket_code: str, *, expected_version: int | None = None,
                       at: datetime | None = None, note: str | None = None) -> Case:
    """R5: the case is being verified."""
    return _act(db, actor, ticket_code, Action.START_VERIFICATION, expected_version=expected_version, at=at, note=note)


def mark_awaiting_customer(db, actor: Actor, ticket_code: str, *, expected_version: int | None = None,
                           at: datetime | None = None, note: str | None = None) -> Case:
    return _act(db, actor, ticket_code, Action.AWAIT_CUSTOMER, expected_version=expected_version, at=at, note=note)


def record_agreement(db, actor: Actor, ticket_code: str, *, expected_version: int | None = None,
                     at: datetime | None = None, note: str | None = None) -> Case:
    """The customer agrees with the resolution: the case is resolved."""
    return _act(db, actor, ticket_code, Action.CUSTOMER_AGREES, expected_version=expected_version, at=at,
                changes_for=lambda cur, case, when: {"resolved_at": when}, note=note)


def open_second_round(db, actor: Actor, ticket_code: str, *, expected_version: int | None = None,
                      at: datetime | None = None, note: str | None = None) -> Case:
    """R9: the customer disagrees after round 1; round 2 opens with fresh reply and resolution clocks."""
    def changes(cur, case: Case, when: datetime) -> dict:
        policy = load_policy(cur)
        return {"round": case.round + 1, "round_opened_at": when, "reply_due_at": reply_due_at(when, policy),
                "resolution_due_at": resolution_due_at(when, policy), "round_replied_at": None}

    def add_round(cur, case: Case) -> None:
        case_store.insert_round(cur, case.id, case.round, case.round_opened_at, case.reply_due_at,
                                case.resolution_due_at)

    return _act(db, actor, ticket_code, Action.OPEN_SECOND_ROUND, expected_version=expected_version, at=at,
                changes_for=changes, after=add_round, note=note)


def refer(db, actor: Actor, ticket_code: str, body: ReferralBody, referral_date: date, *,
          expected_version: int | None = None, at: datetime | None = None, note: str | None = None) -> Case:
    """R10: the customer still disagrees after round 2 and takes it to the regulator or a court."""
    at = at or utcnow()
    if referral_date is None or referral_date > local_date(at):
        raise ValidationError("Ngày chuyển cơ quan ngoài không hợp lệ (không được sau hôm nay).", "referral_date")
    return _act(db, actor, ticket_code, Action.REFER, expected_version=expected_version, at=at,
                changes_for=lambda cur, case, when: {"referral_body": body, "referral_date": referral_date,
                                                "closed_at": when}, note=note)


def close(db, actor: Actor, ticket_code: str, *, expected_version: int | None = None,
          at: datetime | None = None, note: str | None = None) -> Case:
    return _act(db, actor, ticket_code, Action.CLOSE, expected_version=expected_version, at=at,
                changes_for=lambda cur, case, when: {"closed_at": when}, note=note)


def record_followup(db, actor: Actor, ticket_code: str, satisfaction: int, note: str | None = None,
                    at: datetime | None = None) -> None:
    """Monitor: a follow-up contact after resolution, with satisfaction 1-5."""
    actor.require(Permission.HANDLE_CASES)
    at = at or utcnow()
    if not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise ValidationError("Mức độ hài lòng phải từ 1 đến 5.", "satisfaction")
    note = clean_note(note)
    with db.transaction() as cur:
        case = case_store.get_case(cur, ticket_code)
        if not actor.may_touch_branch(case.branch):
            raise PermissionDenied("Bạn chỉ được xử lý hồ sơ của chi nhánh mình.")
        if case.status not in (Status.RESOLVED, Status.CLOSED):
            raise ValidationError("Chỉ ghi nhận theo dõi sau khi hồ sơ đã được giải quyết.", "status")
        cur.execute(
            "INSERT INTO followups (case_id, contacted_at, satisfaction, note, recorded_by) VALUES (?, ?, ?, ?, ?)",
            [case.id, to_db(at), satisfaction, note, actor.username],
        )
        record_event(cur, actor.username, "case", case.id, "followup", None, {"satisfaction": satisfaction}, note, at=at)


@dataclass(frozen=True)
class Followup:
    contacted_at: datetime
    satisfaction: int
    note: str | None
    recorded_by: str


def followups_of(cur, case_id: int, reader: Actor | None = None) -> list[Followup]:
    """The follow-up contacts after resolution, newest first (the case file shows the latest result); for a
    `reader`, the notes as their role may read them (contacts masked)."""
    rows = cur.execute("SELECT contacted_at, satisfaction, note, recorded_by FROM followups WHERE case_id = ? "
                       "ORDER BY contacted_at DESC", [case_id]).fetchall()
    return [Followup(from_db(r[0]), r[1], text_for(reader, r[2]) if reader else r[2], r[3]) for r in rows]


def timeline(db, actor: Actor, ticket_code: str):
    """Every audit event of a case, oldest first (R11)."""
    from voc.store.audit import events_for

    case = load_case(db, actor, ticket_code)
    with db.cursor() as cur:
        return events_for(cur, "case", case.id)

