"""Staff notifications by e-mail (issue #11), queued through the outbox like every other mail.

Three kinds, each switched on or off by the user on the home page (`NotificationSettings`):
- the due digest: the open cases of my branch whose reply or resolution is due within N hours
  (default 4) or overdue, as one mail at most every 60 minutes, however often the pass runs;
- a new case in my branch, queued in the intake transaction (`queue_new_case_notices`), not to the
  person who received it;
- emerging-issue alerts (voc.insight.alerts) for QA and managers, each alert once.

Only active accounts with an e-mail address get anything; the digest and new-case mails go to users
with a branch (their scope). Every notification is recorded in `notifications_sent` under a key
that makes it once, in the same transaction as its outbox row: two passes or two processes queueing
the same notification collide on that key and one of them rolls back, mail included.
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import Enum

from voc.accounts.access import Actor, Role
from voc.clock import from_db, local, to_db, utcnow
from voc.errors import ValidationError
from voc.insight.sla_report import OPEN_SQL, REPLY_PENDING_SQL
from voc.mail.outbox import MailKind, default_domain, queue_mail
from voc.model import Case, Service
from voc.numbers import vn_number, vn_p_value
from voc.store.audit import record_event
from voc.store.pending import PendingRows, insert
from voc.store.dialect import CONFLICT_ERRORS, CONSTRAINT_ERRORS

DEFAULT_DUE_HOURS = 4
MIN_DUE_HOURS, MAX_DUE_HOURS = 1, 72
DIGEST_INTERVAL = timedelta(minutes=60)
DIGEST_MAX_ITEMS = 100          # listed in one digest; the rest are counted
ALERT_ROLES = (Role.QA, Role.MANAGER)
EXCERPT_CHARS = 300
FOOTER = ("Thư gửi tự động từ VOC Desk. Bạn đổi loại thông báo muốn nhận ở Trang chủ → "
          "“Thông báo qua e-mail”.")


class NoticeKind(str, Enum):
    DIGEST = "digest"
    NEW_CASE = "new_case"
    ALERT = "alert"


@dataclass(frozen=True)
class NotificationSettings:
    due_digest: bool = True
    due_hours: int = DEFAULT_DUE_HOURS
    new_case: bool = False          # opt-in: a busy branch gets many
    alerts: bool = True


DEFAULTS = NotificationSettings()


def app_url() -> str | None:
    """VOC_APP_URL (e.g. https://voc.bkns.vn): the staff app's address for links in mails; unset = no links."""
    url = (os.environ.get("VOC_APP_URL") or "").strip().rstrip("/")
    return url or None


def case_link(ticket_code: str) -> str | None:
    base = app_url()
    return f"{base}/cases?ticket={ticket_code}" if base else None


def vn_time(value: datetime) -> str:
    """dd/mm/yyyy HH:MM in Asia/Ho_Chi_Minh."""
    return local(value).strftime("%d/%m/%Y %H:%M")


# --- settings (home page) ------------------------------------------------------------------------

_SETTINGS_COLUMNS = "due_digest, due_hours, new_case, alerts"


def _settings(row) -> NotificationSettings:
    return NotificationSettings(*row) if row and row[0] is not None else DEFAULTS


def load_settings(cur, username: str) -> NotificationSettings:
    row = cur.execute(f"SELECT {_SETTINGS_COLUMNS} FROM notification_settings WHERE username = ?",
                      [username]).fetchone()
    return _settings(row)


def own_settings(db, actor: Actor) -> NotificationSettings:
    with db.cursor() as cur:
        return load_settings(cur, actor.username)


def save_own_settings(db, actor: Actor, settings: NotificationSettings,
                      now: datetime | None = None) -> NotificationSettings:
    """A user's own choices (audited with before and after)."""
    hours = settings.due_hours
    if not isinstance(hours, int) or not MIN_DUE_HOURS <= hours <= MAX_DUE_HOURS:
        raise ValidationError(f"Số giờ báo trước phải từ {MIN_DUE_HOURS} đến {MAX_DUE_HOURS}.", "due_hours")
    now = now or utcnow()
    with db.transaction() as cur:
        if cur.execute("SELECT count(*) FROM users WHERE username = ?", [actor.username]).fetchone()[0] == 0:
            raise ValidationError("Tài khoản hệ thống không có cài đặt thông báo.")
        before = load_settings(cur, actor.username)
        values = [settings.due_digest, hours, settings.new_case, settings.alerts]
        cur.execute("INSERT INTO notification_settings (username, due_digest, due_hours, new_case, alerts, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO UPDATE SET due_digest = excluded.due_digest, "
                    "due_hours = excluded.due_hours, new_case = excluded.new_case, alerts = excluded.alerts, "
                    "updated_at = excluded.updated_at", [actor.username, *values, to_db(now)])
        record_event(cur, actor.username, "user", actor.username, "notification_settings_changed",
                     asdict(before), asdict(settings), at=now)
        return load_settings(cur, actor.username)


# --- who gets what ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Recipient:
    username: str
    name: str
    email: str
    role: Role
    branch: str | None
    settings: NotificationSettings


def recipients(cur, *, branch: str | None = None) -> list[Recipient]:
    """Active accounts with an e-mail address (of one branch if given), with their settings."""
    settings = ", ".join("s." + c for c in _SETTINGS_COLUMNS.split(", "))
    rows = cur.execute(
        f"SELECT u.username, u.display_name, u.email, u.role, u.branch, {settings} "
        "FROM users u LEFT JOIN notification_settings s ON s.username = u.username "
        "WHERE u.active AND coalesce(trim(u.email), '') <> '' AND (CAST(? AS VARCHAR) IS NULL OR u.branch = ?) ORDER BY u.username",
        [branch, branch]).fetchall()
    return [Recipient(r[0], r[1], r[2].strip(), Role(r[3]), r[4], _settings(r[5:])) for r in rows]


def new_case_watchers(cur, branch: str | None) -> list[Recipient]:
    return [r for r in recipients(cur, branch=branch) if r.settings.new_case] if branch else []


def _record(cur, key: str, who: Recipient, kind: NoticeKind, message_id: str, items: int, at: datetime,
            pending: PendingRows | None = None) -> None:
    insert(cur, pending, "notifications_sent", ("dedupe_key", "username", "kind", "message_id", "items", "queued_at"),
           [key, who.username, kind.value, message_id, items, to_db(at)])


def _queue(cur, who: Recipient, subject: str, body: str, at: datetime, *, case: Case | None = None,
           pending: PendingRows | None = None) -> str:
    return queue_mail(cur, kind=MailKind.NOTIFICATION, to_address=who.email, to_name=who.name, subject=subject,
                      body=body, queued_by="system:notify", domain=default_domain(),
                      case_id=case.id if case else None, ticket_code=case.ticket_code if case else None,
                      at=at, new_case=case is not None, pending=pending)


# --- a new case ------------------------------------------------------------------------------------

def queue_new_case_notices(cur, case: Case, watchers: list[Recipient], received_by: str,
                           at: datetime | None = None, pending: PendingRows | None = None) -> int:
    """Inside the intake transaction: one mail to each opted-in user of the case's branch (not the
    person who received it). Returns how many were queued (`pending`: written at the batch's end)."""
    at = at or utcnow()
    sent = 0
    for who in watchers:
        if who.username == received_by:
            continue
        excerpt = " ".join(case.content.split())
        if len(excerpt) > EXCERPT_CHARS:
            excerpt = excerpt[:EXCERPT_CHARS].rstrip() + "…"
        link = case_link(case.ticket_code)
        body = (f"Chào {who.name},\n\nChi nhánh {case.branch} vừa tiếp nhận hồ sơ {case.ticket_code} "
                f"({case.channel.label}, dịch vụ {case.service.label}) lúc {vn_time(case.received_at)}.\n\n"
                f"Nội dung phản ánh: {excerpt}\n\n"
                f"Hạn gửi thư trả lời: {vn_time(case.reply_due_at)}\n"
                f"Hạn giải quyết: {vn_time(case.resolution_due_at)}\n"
                + (f"\nMở hồ sơ: {link}\n" if link else "") + f"\n{FOOTER}\n")
        message_id = _queue(cur, who, f"Hồ sơ mới tại chi nhánh {case.branch}", body, at, case=case, pending=pending)
        _record(cur, f"new_case:{who.username}:{case.id}", who, NoticeKind.NEW_CASE, message_id, 1, at, pending)
        sent += 1
    return sent


# --- the due digest ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class DueItem:
    ticket_code: str
    clock: str              # "reply" or "resolution"
    due_at: datetime
    overdue: bool
    service: str
    staff: str | None


def due_items(cur, branch: str, at: datetime, hours: int) -> list[DueItem]:
    """Open cases of `branch` with a clock due within `hours` of `at` or past: the most urgent clock
    of each (an overdue resolution before an overdue reply), earliest first."""
    sql = (f"SELECT c.ticket_code, c.reply_due_at, c.resolution_due_at, {REPLY_PENDING_SQL} AS reply_pending, "
           f"c.service, c.staff FROM cases c WHERE {OPEN_SQL} AND c.received_at <= $at AND c.branch = $branch "
           f"AND (({REPLY_PENDING_SQL} AND c.reply_due_at <= $soon) OR c.resolution_due_at <= $soon)")
    rows = cur.execute(sql, {"at": to_db(at), "soon": to_db(at + timedelta(hours=hours)), "branch": branch}).fetchall()
    items = []
    for code, reply_due, resolution_due, reply_pending, service, staff in rows:
        reply_due, resolution_due = from_db(reply_due), from_db(resolution_due)
        if resolution_due <= at or not reply_pending or resolution_due < reply_due:
            clock, due = "resolution", resolution_due
        else:
            clock, due = "reply", reply_due
        items.append(DueItem(code, clock, due, due <= at, service, staff))
    return sorted(items, key=lambda i: (i.due_at, i.ticket_code))


_CLOCK_LABELS = {"reply": "trả lời", "resolution": "giải quyết"}


def _item_line(item: DueItem) -> str:
    state = "quá hạn" if item.overdue else "hạn"
    link = case_link(item.ticket_code)
    return (f"- {item.ticket_code}: {state} {_CLOCK_LABELS[item.clock]} {vn_time(item.due_at)} — "
            f"{Service(item.service).label}" + (f" — {item.staff}" if item.staff else "")
            + (f"\n  {link}" if link else ""))


def digest_text(who: Recipient, items: list[DueItem], at: datetime) -> tuple[str, str]:
    overdue = [i for i in items if i.overdue]
    soon = [i for i in items if not i.overdue]
    subject = (f"Chi nhánh {who.branch}: {vn_number(len(overdue))} hồ sơ quá hạn, "
               f"{vn_number(len(soon))} hồ sơ đến hạn trong {who.settings.due_hours} giờ")
    parts = [f"Chào {who.name},", "",
             f"Tình hình hồ sơ của chi nhánh {who.branch} lúc {vn_time(at)} (giờ Việt Nam):"]
    listed = 0
    for title, group in ((f"Quá hạn ({vn_number(len(overdue))}):", overdue),
                         (f"Đến hạn trong {who.settings.due_hours} giờ tới ({vn_number(len(soon))}):", soon)):
        if not group:
            continue
        parts += ["", title]
        for item in group:
            if listed == DIGEST_MAX_ITEMS:
                parts.append(f"- … và {vn_number(len(items) - listed)} hồ sơ khác (xem bảng SLA).")
                break
            parts.append(_item_line(item))
            listed += 1
    base = app_url()
    if base:
        parts += ["", f"Bảng SLA: {base}/sla_board"]
    parts += ["", "Bản tổng hợp này gửi tối đa một lần mỗi giờ.", FOOTER]
    return subject, "\n".join(parts) + "\n"


def _last_digest(cur, username: str) -> tuple[str, datetime] | None:
    row = cur.execute("SELECT message_id, queued_at FROM notifications_sent WHERE username = ? AND kind = ? "
                      "ORDER BY queued_at DESC, dedupe_key DESC LIMIT 1",
                      [username, NoticeKind.DIGEST.value]).fetchone()
    return (row[0], from_db(row[1])) if row else None


def _digest_for(db, who: Recipient, at: datetime) -> str:
    """'sent', 'waiting' (the last one is under an hour old), or 'nothing' (nothing due)."""
    with db.transaction() as cur:
        last = _last_digest(cur, who.username)
        if last is not None and at - last[1] < DIGEST_INTERVAL:
            return "waiting"
        items = due_items(cur, who.branch, at, who.settings.due_hours)
        if not items:
            return "nothing"
        subject, body = digest_text(who, items, at)
        message_id = _queue(cur, who, subject, body, at)
        # Chained on the previous digest: a concurrent pass that saw the same previous one collides here.
        _record(cur, f"digest:{who.username}:after:{last[0] if last else 'first'}", who, NoticeKind.DIGEST,
                message_id, len(items), at)
    return "sent"


# --- emerging-issue alerts ---------------------------------------------------------------------------

@dataclass(frozen=True)
class AlertItem:
    theme: str
    theme_name: str
    current: int
    baseline_mean: float
    ratio: float
    p_value: float


def current_alerts(cur, at: datetime) -> list[AlertItem]:
    from voc.insight.analytics import Filters
    from voc.insight.themes_trends import emerging_issues

    table = emerging_issues(cur, Filters(), now=at)
    flagged = table[table["alert"]] if not table.empty else table
    return [AlertItem(r.theme, r.theme_name, int(r.current), float(r.baseline_mean), float(r.ratio), float(r.p_value))
            for r in flagged.itertuples()]


def alert_text(who: Recipient, alerts: list[AlertItem], at: datetime) -> tuple[str, str]:
    from voc.insight.alerts import AlertSettings

    names = ", ".join(a.theme_name for a in alerts)
    subject = f"Cảnh báo vấn đề nổi lên: {names}"
    parts = [f"Chào {who.name},", "",
             f"Lúc {vn_time(at)}, các chủ đề sau tăng bất thường so với mức nền của chính chúng:", ""]
    for a in alerts:
        parts.append(f"- {a.theme_name}: {vn_number(a.current)} hồ sơ trong 7 ngày qua, mức nền "
                     f"{vn_number(a.baseline_mean, 1)} hồ sơ/tuần (gấp {vn_number(a.ratio, 1)} lần), "
                     f"{vn_p_value(a.p_value)}")
    parts += ["", AlertSettings().describe()]
    base = app_url()
    if base:
        parts += ["", f"Xem ở trang Giám sát: {base}/monitor"]
    parts += ["", "Mỗi cảnh báo chỉ gửi một lần mỗi tuần.", FOOTER]
    return subject, "\n".join(parts) + "\n"


def _alerts_for(db, who: Recipient, alerts: list[AlertItem], at: datetime) -> int:
    week = "{}-W{:02d}".format(*local(at).isocalendar()[:2])
    with db.transaction() as cur:
        keys = {a.theme: f"alert:{who.username}:{a.theme}:{week}" for a in alerts}
        done = {k for (k,) in cur.execute(
            "SELECT dedupe_key FROM notifications_sent WHERE list_contains(?, dedupe_key)",
            [list(keys.values())]).fetchall()}
        new = [a for a in alerts if keys[a.theme] not in done]
        if not new:
            return 0
        subject, body = alert_text(who, new, at)
        message_id = _queue(cur, who, subject, body, at)
        for a in new:
            _record(cur, keys[a.theme], who, NoticeKind.ALERT, message_id, 1, at)
    return len(new)


# --- the pass ----------------------------------------------------------------------------------------

@dataclass
class NotifyReport:
    digests: int = 0
    waiting: int = 0        # something may be due, but the user's last digest is under an hour old
    alerts: int = 0         # alerts mailed (one mail may carry several)
    alert_mails: int = 0
    collisions: int = 0     # another pass or process queued the same notification first

    def line(self) -> str:
        return (f"digests={self.digests} waiting={self.waiting} alerts={self.alerts} "
                f"alert_mails={self.alert_mails} collisions={self.collisions}")

    def summary(self) -> str:
        return (f"Đã xếp hàng {vn_number(self.digests)} thư tổng hợp hồ sơ đến hạn, "
                f"{vn_number(self.alert_mails)} thư cảnh báo ({vn_number(self.alerts)} cảnh báo); "
                f"{vn_number(self.waiting)} người nhận chờ đủ một giờ từ thư trước.")


def notify_once(db, *, at: datetime | None = None, alerts: bool = True) -> NotifyReport:
    """One pass: each user's due digest (at most hourly) and new emerging-issue alerts, queued in the outbox."""
    at = at or utcnow()
    report = NotifyReport()
    with db.cursor() as cur:
        people = recipients(cur)
    for who in people:
        if not (who.settings.due_digest and who.branch):
            continue
        try:
            outcome = _digest_for(db, who, at)
        except CONSTRAINT_ERRORS + CONFLICT_ERRORS:
            report.collisions += 1
            continue
        report.digests += outcome == "sent"
        report.waiting += outcome == "waiting"
    watchers = [w for w in people if w.role in ALERT_ROLES and w.settings.alerts]
    if alerts and watchers:
        with db.cursor() as cur:
            found = current_alerts(cur, at)
        for who in watchers if found else []:
            try:
                count = _alerts_for(db, who, found, at)
            except CONSTRAINT_ERRORS + CONFLICT_ERRORS:
                report.collisions += 1
                continue
            report.alerts += count
            report.alert_mails += count > 0
    return report
