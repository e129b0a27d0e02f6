"""The canonical CSV format for importing and exporting cases.

Import validates every row; a bad row is not imported but written to a rejects file beside
the input (`<name>.rejects.csv`) with its row number and a Vietnamese reason. Rows are committed
in batches, so an interrupted import keeps every batch it reported and never leaves a half-written
case. Re-importing a file creates no duplicates: ticket_code is the key, and existing cases are
never changed. A dry run validates every row the same way and writes nothing. Every imported
case is tagged by theme (the tagger of intake and backfill) in its batch's transaction, so old
tickets reach the VOC charts like new ones.

The canonical header is the column codes (COLUMNS). The importer also reads the Vietnamese column
names (COLUMN_NAMES_VI) of the rejects file and the Vietnamese export, ignores the rejects file's
"Dòng" and "Lý do" columns, and reads a semicolon-separated file (Excel's "CSV" in a comma-decimal
locale), so a rejects file fixed in Excel imports as it is.

An optional `themes` column carries the themes the company gave a past ticket (codes separated by
"|"): they are stored as QA labels (they win over the machine and are training examples), and once
the file is in, the theme model is retrained on them and the imported cases are tagged again.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd

from voc.accounts import branches
from voc.store import case_store
from voc.accounts.access import Actor, Permission
from voc.store.audit import record_event
from voc.clock import LOCAL_TZ, from_db, local_date, parse_iso, to_db, utcnow
from voc.errors import ValidationError
from voc.model import Channel, IssueKind, Service, Status
from voc.numbers import vn_number
from voc.desk.csv_excel import csv_bytes, write_csv
from voc.desk.policy import load_policy
from voc.desk.sla import reply_due_at, resolution_due_at
from voc.plaintext import fold
from voc.text import risk, tagging

COLUMNS = [
    "ticket_code", "received_at", "channel", "issue_kind", "service", "customer_name", "customer_phone",
    "customer_email", "event_date", "content", "request", "status", "round", "first_reply_at",
    "resolved_at", "closed_at", "staff", "branch",
]
REQUIRED = ["received_at", "channel", "issue_kind", "service", "customer_name", "content", "status"]
THEMES_COLUMN = "themes"     # optional: the ticket's themes, codes separated by "|"
# The columns as people read them: the rejects file's and the Vietnamese export's header.
COLUMN_NAMES_VI = {
    "ticket_code": "Mã hồ sơ", "received_at": "Thời điểm tiếp nhận", "channel": "Kênh",
    "issue_kind": "Loại khiếu nại", "service": "Dịch vụ", "customer_name": "Tên khách hàng",
    "customer_phone": "Điện thoại", "customer_email": "Email", "event_date": "Ngày xảy ra sự việc",
    "content": "Nội dung phản ánh", "request": "Yêu cầu giải quyết", "status": "Trạng thái",
    "round": "Lần giải quyết", "first_reply_at": "Trả lời lần đầu lúc", "resolved_at": "Giải quyết xong lúc",
    "closed_at": "Đóng hồ sơ lúc", "staff": "Nhân viên", "branch": "Chi nhánh",
}
REJECT_ROW, REJECT_REASON = "Dòng", "Lý do"      # the rejects file's own first two columns
_HEADER_KEYS = {fold(name): code for code, name in COLUMN_NAMES_VI.items()} | {fold(c): c for c in COLUMNS}
_REJECT_KEYS = {fold(REJECT_ROW), fold(REJECT_REASON)}
MAX_FIELD_CHARS = 50_000
BATCH_ROWS = 500          # rows per transaction and per progress report (tagging makes a batch ~1 s)
TAG_BATCH_ROWS = 250      # texts per task of a tagging worker
_TICKET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$")
csv.field_size_limit(10 * 1024 * 1024)


class Header(str, Enum):
    CODES = "codes"              # the canonical header: for machines, the CLI and the README
    VIETNAMESE = "vietnamese"    # Vietnamese column names, for people; the importer reads both


def column_name(code: str) -> str:
    """A column as a reason names it: "Kênh (channel)"."""
    return f"{COLUMN_NAMES_VI[code]} ({code})" if code in COLUMN_NAMES_VI else code


@dataclass(frozen=True)
class RejectedRow:
    line_no: int           # as a spreadsheet shows it, the header being row 1
    reason: str
    cells: list[str]       # the row as it was in the file


@dataclass
class ImportReport:
    read: int = 0
    imported: int = 0      # on a dry run: would be imported
    rejected: int = 0
    already_present: int = 0
    rejects_path: Path | None = None
    new_case_ids: list[int] = field(default_factory=list)
    dry_run: bool = False
    header: list[str] = field(default_factory=list)
    rejects: list[RejectedRow] = field(default_factory=list)
    tagged: int = 0              # imported cases given at least one theme
    labelled: int = 0            # imported cases that came with their themes (`themes` column)
    retrain_message: str | None = None

    def summary(self) -> str:
        read, imported, rejected = vn_number(self.read), vn_number(self.imported), vn_number(self.rejected)
        if self.dry_run:
            text = f"Kiểm tra {read} dòng (chưa nhập, chưa ghi gì): sẽ nhập {imported}, sẽ từ chối {rejected}"
        else:
            text = f"Đã đọc {read} dòng: nhập {imported}, từ chối {rejected}"
        if self.already_present:
            text += f" (trong đó {vn_number(self.already_present)} dòng đã có sẵn trong hệ thống, không thay đổi)"
        text += "."
        if self.imported and not self.dry_run:
            text += f" Đã gắn chủ đề: {vn_number(self.tagged)}/{imported} hồ sơ mới có ít nhất một chủ đề."
        if self.labelled:
            text += f" {vn_number(self.labelled)} hồ sơ có sẵn chủ đề (cột themes) được dùng để huấn luyện mô hình."
        if self.retrain_message:
            text += " " + self.retrain_message
        return text

    def rejects_csv(self) -> bytes | None:
        """The rejects file: "Dòng", "Lý do", then the input's columns by their Vietnamese names, each
        rejected row as it was in the file; UTF-8 with BOM for Excel. None when nothing was rejected."""
        if not self.rejects:
            return None
        header = [REJECT_ROW, REJECT_REASON, *(COLUMN_NAMES_VI.get(h, h) for h in self.header)]
        rows = ([str(r.line_no), r.reason, *r.cells] for r in sorted(self.rejects, key=lambda r: r.line_no))
        return csv_bytes(header, rows, raw=True)


def rejects_path_for(path: Path) -> Path:
    return path.with_name(path.stem + ".rejects.csv")


def _decode_lines(raw: bytes) -> str:
    """Decode UTF-8 (BOM allowed); bytes that are not UTF-8 become surrogates so only their rows fail."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    return raw.decode("utf-8", errors="surrogateescape")


def _delimiter(text: str) -> str:
    """Comma; semicolon when the header has more of them (Excel's "CSV" where the decimal mark is a comma)."""
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def _canonical_header(header: list[str]) -> list[str]:
    """Header cells as column codes: codes and Vietnamese names are both read, whatever their case or
    diacritics; other columns keep their name and are ignored."""
    cleaned = [h.strip().lstrip("\ufeff") for h in header]
    return [_HEADER_KEYS.get(fold(h), h) for h in cleaned]


def _has_bad_bytes(values: list[str]) -> bool:
    return any("\udc80" <= ch <= "\udcff" for v in values for ch in v)


def unescape_cell(value: str) -> str:
    """Undo the export's formula guard: a leading apostrophe before = + - @."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
        return value[1:]
    return value


def _parse_time(value: str, name: str) -> datetime | None:
    if not value:
        return None
    try:
        return parse_iso(value)
    except ValueError:
        raise ValidationError(
            f"Cột {column_name(name)}: “{value[:40]}” không phải thời điểm ISO 8601 hợp lệ.") from None


def _parse_enum(enum, value: str, name: str):
    try:
        return enum.parse(value)
    except ValueError:
        allowed = ", ".join(f"{m.value} ({m.label})" for m in enum)
        raise ValidationError(f"Cột {column_name(name)}: “{value[:40]}” không hợp lệ "
                              f"(cho phép mã hoặc nhãn: {allowed}).") from None


def _validate_row(row: dict[str, str], now: datetime) -> dict:
    """One CSV row -> the values of a case row, or ValidationError with the reason."""
    for name in REQUIRED:
        if not row.get(name):
            raise ValidationError(f"Thiếu giá trị bắt buộc ở cột {column_name(name)}.")
    for name, value in row.items():
        if len(value) > MAX_FIELD_CHARS:
            raise ValidationError(f"Cột {column_name(name)} quá dài ({len(value)} ký tự; tối đa {MAX_FIELD_CHARS}).")
    code = row.get("ticket_code", "")
    if code and not _TICKET.match(code):
        raise ValidationError(f"Mã hồ sơ “{code[:40]}” không hợp lệ.")
    received = _parse_time(row["received_at"], "received_at")
    if received > now:
        raise ValidationError(f"Cột {column_name('received_at')}: thời điểm tiếp nhận ở tương lai.")
    event = None
    if row.get("event_date"):
        try:
            event = date.fromisoformat(row["event_date"][:10])
        except ValueError:
            raise ValidationError(f"Cột {column_name('event_date')}: “{row['event_date'][:40]}” không phải ngày hợp lệ "
                                  "(YYYY-MM-DD).") from None
        if event > local_date(received):
            raise ValidationError("Ngày xảy ra sự việc sau ngày tiếp nhận.")
    round_text = row.get("round") or "1"
    if round_text not in ("1", "2"):
        raise ValidationError(f"Cột {column_name('round')}: “{round_text[:10]}” phải là 1 hoặc 2.")
    times = {k: _parse_time(row.get(k, ""), k) for k in ("first_reply_at", "resolved_at", "closed_at")}
    for name, value in times.items():
        if value is not None and value < received:
            raise ValidationError(f"Cột {column_name(name)} sớm hơn thời điểm tiếp nhận.")
    status = _parse_enum(Status, row["status"], "status")
    if status is Status.REFERRED and round_text != "2":
        raise ValidationError("Chỉ hồ sơ ở lần giải quyết thứ 2 mới có thể ở trạng thái referred.")
    return dict(
        ticket_code=code or None, received_at=received,
        channel=_parse_enum(Channel, row["channel"], "channel").value,
        issue_kind=_parse_enum(IssueKind, row["issue_kind"], "issue_kind").value,
        service=_parse_enum(Service, row["service"], "service").value,
        customer_name=row["customer_name"], customer_phone=row.get("customer_phone") or None,
        customer_email=row.get("customer_email") or None, event_date=event, content=row["content"],
        request=row.get("request") or None, status=status.value, round=int(round_text),
        first_reply_at=times["first_reply_at"], resolved_at=times["resolved_at"], closed_at=times["closed_at"],
        staff=row.get("staff") or None, branch=row.get("branch") or None,
    )


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(row number as a spreadsheet shows it, cells) for every record; the header is row 1."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    for cells in reader:
        yield reader.line_num, cells


def import_csv(db, actor: Actor, path: str | Path, *, progress: Callable[[int, int], None] | None = None,
               now: datetime | None = None, dry_run: bool = False) -> ImportReport:
    """Import the file at `path`; with dry_run, validate every row the same way (including "already in
    the desk") and report what would be imported and rejected, writing nothing at all."""
    actor.require(Permission.IMPORT_EXPORT)
    path = Path(path)
    now = now or utcnow()
    raw = path.read_bytes()
    if not raw.strip():
        raise ValidationError("Tệp CSV rỗng: không có dòng tiêu đề và không có dữ liệu.")
    text = _decode_lines(raw)
    records = _rows(text)
    try:
        _, header = next(records)
    except csv.Error as error:
        raise ValidationError(f"Không đọc được dòng tiêu đề CSV: {error}.") from None
    header = _canonical_header(header)
    width = len(header)
    keep = [i for i, h in enumerate(header) if fold(h) not in _REJECT_KEYS]   # a rejects file's "Dòng", "Lý do"
    header = [header[i] for i in keep]
    missing = [column_name(c) for c in REQUIRED if c not in header]
    if missing:
        raise ValidationError(
            "Tệp CSV thiếu cột bắt buộc: " + ", ".join(missing) + ". Dòng tiêu đề phải gồm: " + ", ".join(COLUMNS) + ".")
    total_lines = max(text.count("\n"), 1)
    report = ImportReport(rejects_path=rejects_path_for(path), dry_run=dry_run, header=header)
    rejects = report.rejects
    batch: list[dict] = []
    seen_codes: set[str] = set()
    policy, tagger = _policy_and_tagger(db)
    known_branch = _branch_resolver(db)
    theme_codes = (set(tagger.themes) if tagger else set()) if THEMES_COLUMN in header else None
    # Tagging is the slow part of an import: on two processes once there is more than one tagging batch.
    workers = 2 if total_lines > TAG_BATCH_ROWS else 1
    engine = tagging.BatchTagger(tagger, workers, batch_size=TAG_BATCH_ROWS) if tagger and not dry_run else None
    with engine or nullcontext() as themes:
        def flush() -> None:
            if batch and dry_run:
                with db.cursor() as cur:
                    report.imported += len(_new_rows(cur, batch, rejects, report))
                batch.clear()
            elif batch:
                report.new_case_ids.extend(_insert_batch(db, actor, batch, policy, rejects, report, now, themes))
                batch.clear()
            if progress:
                progress(report.read, total_lines)

        while True:
            try:
                line_no, cells = next(records)
            except StopIteration:
                break
            except csv.Error as error:
                report.read += 1
                rejects.append(RejectedRow(report.read + 1, f"Dòng CSV sai định dạng: {error}.", []))
                break
            if not any(c.strip() for c in cells):
                continue
            report.read += 1
            if _has_bad_bytes(cells):
                rejects.append(RejectedRow(line_no, "Dòng chứa byte không phải UTF-8; hãy lưu tệp dưới dạng UTF-8.",
                                           [c.encode("utf-8", "replace").decode("utf-8") for c in cells]))
                continue
            if len(cells) != width:
                rejects.append(RejectedRow(line_no, f"Số cột ({len(cells)}) khác dòng tiêu đề ({width}).", cells))
                continue
            cells = [cells[i] for i in keep]
            row = {h: unescape_cell(c.strip()) for h, c in zip(header, cells)}
            try:
                values = _validate_row(row, now)
                values["branch"] = known_branch(values["branch"])
                labels = _parse_themes(row[THEMES_COLUMN], theme_codes) if theme_codes is not None else []
            except ValidationError as error:
                rejects.append(RejectedRow(line_no, str(error), cells))
                continue
            code = values["ticket_code"]
            if code and code in seen_codes:
                rejects.append(RejectedRow(line_no, f"Mã hồ sơ {code} lặp lại trong tệp.", cells))
                continue
            if code:
                seen_codes.add(code)
            batch.append({"line_no": line_no, "cells": cells, "values": values, "themes": labels})
            if len(batch) >= BATCH_ROWS:
                flush()
        flush()
    report.rejected = len(rejects)
    if not dry_run:
        _write_rejects(report)
        with db.transaction() as cur:
            record_event(cur, actor.username, "import", path.name, "csv_imported", None,
                         {"read": report.read, "imported": report.imported, "rejected": report.rejected,
                          "already_present": report.already_present}, at=now)
    if report.labelled and not dry_run:
        _learn_from_import(db, report)
    return report


def _learn_from_import(db, report: ImportReport) -> None:
    """Retrain the theme model on the imported labels (and everything else QA has labelled), then
    tag the imported cases again with it."""
    from voc.accounts.access import SYSTEM
    from voc.text.classifier import retrain

    result = retrain(db, SYSTEM)
    report.retrain_message = result.message()
    if not result.kept_previous:
        tagging.backfill(db, workers=1, case_ids=report.new_case_ids)
        with db.cursor() as cur:
            report.tagged = cur.execute(
                "SELECT count(DISTINCT case_id) FROM case_themes WHERE list_contains(?, case_id)",
                [report.new_case_ids]).fetchone()[0]


def _parse_themes(value: str, known: set[str]) -> list[str]:
    codes = list(dict.fromkeys(c.strip().lower() for c in (value or "").split("|") if c.strip()))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationError(f"Cột themes: mã chủ đề “{unknown[0][:40]}” không có trong danh mục chủ đề đang dùng.")
    return codes


def _branch_resolver(db) -> Callable[[str | None], str | None]:
    """A row's branch as one of the managed branches (deactivated ones too: old tickets keep theirs);
    an unknown branch rejects the row, it never adds a branch."""
    cache: dict[str | None, str | ValidationError | None] = {}

    def resolve(name: str | None) -> str | None:
        if name not in cache:
            with db.cursor() as cur:
                try:
                    cache[name] = branches.resolve(cur, name, require_active=False)
                except ValidationError as error:
                    cache[name] = ValidationError(f"Cột branch: {error}")
        if isinstance(cache[name], ValidationError):
            raise cache[name]
        return cache[name]
    return resolve


def _policy_and_tagger(db) -> tuple:
    """The SLA policy and the database's tagger (None when no theme is active: nothing to tag)."""
    with db.cursor() as cur:
        tagger = tagging.tagger_for(cur)
        return load_policy(cur), tagger if tagger.themes else None


def fingerprint(values: dict) -> str:
    """The import key of a row: a row without a ticket code is recognised again by its facts."""
    facts = "\x1f".join(str(values.get(k) or "") for k in
                        ("ticket_code", "received_at", "channel", "customer_name", "customer_phone", "content"))
    return "csv:" + hashlib.sha256(facts.encode("utf-8", "surrogatepass")).hexdigest()[:32]


_IMPORT_TIME_COLUMNS = ("received_at", "round_opened_at", "reply_due_at", "resolution_due_at", "round_replied_at",
                        "first_reply_at", "resolved_at", "closed_at")


def _new_rows(cur, batch: list[dict], rejects: list[RejectedRow], report: ImportReport) -> list[tuple[dict, str]]:
    """The batch's rows (with their import key) that are not in the desk yet; the others are rejected."""
    codes = [b["values"]["ticket_code"] for b in batch if b["values"]["ticket_code"]]
    keys = [fingerprint(b["values"]) for b in batch]
    existing = {r[0] for r in cur.execute(
        "SELECT ticket_code FROM cases WHERE list_contains($codes, ticket_code) "
        "UNION ALL SELECT intake_key FROM cases WHERE list_contains($keys, intake_key)",
        {"codes": codes, "keys": keys}).fetchall()}
    fresh = []
    for item, key in zip(batch, keys):
        code = item["values"]["ticket_code"]
        if code in existing or key in existing:
            report.already_present += 1
            label = f"Mã hồ sơ {code}" if code else "Hồ sơ này (cùng thời điểm, khách hàng, nội dung)"
            rejects.append(RejectedRow(item["line_no"], f"{label} đã có trong hệ thống; "
                                       "dòng không được nhập lại và hồ sơ hiện có không thay đổi.", item["cells"]))
        else:
            fresh.append((item, key))
    return fresh


def _insert_batch(db, actor: Actor, batch: list[dict], policy, rejects: list, report: ImportReport,
                  now: datetime, themes: tagging.BatchTagger | None) -> list[int]:
    """Insert one batch in one transaction (cases, rounds, their 'imported' events and their themes)."""
    with db.transaction() as cur:
        rows, labels = [], []
        for item, key in _new_rows(cur, batch, rejects, report):
            v = dict(item["values"])
            v["intake_key"] = key
            if not v["ticket_code"]:
                v["ticket_code"] = case_store.next_ticket_code(cur, local_date(v["received_at"]).year)
            received = v["received_at"]
            v.update(round_opened_at=received, reply_due_at=reply_due_at(received, policy),
                     resolution_due_at=resolution_due_at(received, policy),
                     round_replied_at=v["first_reply_at"] if v["round"] == 1 else None)
            v["search_text"] = case_store.search_text_for(v["customer_name"], v["content"], v["request"], v["ticket_code"])
            rows.append({k: to_db(t) if isinstance(t, datetime) else t for k, t in v.items()})
            labels.append(item.get("themes") or [])
        if not rows:
            return []
        frame = pd.DataFrame(rows)
        for column in _IMPORT_TIME_COLUMNS:
            frame[column] = pd.to_datetime(frame[column])
        cur.register("import_batch", frame)
        columns = list(frame.columns)
        ids = [r[0] for r in cur.execute(
            f"INSERT INTO cases ({', '.join(columns)}) SELECT {', '.join(columns)} FROM import_batch RETURNING id"
        ).fetchall()]
        cur.unregister("import_batch")
        cur.execute(
            "INSERT INTO case_rounds (case_id, round, opened_at, reply_due_at, resolution_due_at) "
            "SELECT id, round, round_opened_at, reply_due_at, resolution_due_at FROM cases WHERE list_contains(?, id)",
            [ids])
        cur.execute(
            "INSERT INTO events (occurred_at, actor, entity, entity_id, action, before, after, note, recorded_at) "
            "SELECT ?, ?, 'case', CAST(id AS VARCHAR), 'imported', NULL, "
            "json_object('ticket_code', ticket_code, 'status', status), 'Nhập từ CSV', ? "
            "FROM cases WHERE list_contains(?, id)",
            [to_db(now), actor.username, to_db(utcnow()), ids])
        labelled = {case_id: codes for case_id, codes in zip(ids, labels) if codes}
        _store_labels(cur, actor, labelled, now)
        report.labelled += len(labelled)
        if themes is not None:
            texts = {r[0]: tagging.case_text(r[1], r[2]) for r in cur.execute(
                "SELECT id, content, request FROM cases WHERE list_contains(?, id)", [ids]).fetchall()}
            theme_rows, risk_rows = themes.rows(ids, [texts[i] for i in ids])
            rows = tagging.with_labels(theme_rows, labelled, themes.tagger.model_id)
            tagging.write_rows(cur, ids, rows)
            risk.write_rows(cur, ids, risk_rows)
            report.tagged += len({row[0] for row in rows})
        report.imported += len(ids)
        return ids


def _write_rejects(report: ImportReport) -> None:
    """`<name>.rejects.csv` beside the input (see ImportReport.rejects_csv); an old one goes when all rows pass."""
    data = report.rejects_csv()
    if data is None:
        report.rejects_path.unlink(missing_ok=True)
    else:
        report.rejects_path.write_bytes(data)


def _store_labels(cur, actor: Actor, labelled: dict[int, list[str]], now: datetime) -> None:
    """The imported themes as QA labels, each case's audited."""
    for case_id, codes in labelled.items():
        for code in codes:
            cur.execute("INSERT INTO theme_labels (case_id, theme_code, is_positive, labelled_by, labelled_at) "
                        "VALUES (?, ?, true, ?, ?)", [case_id, code, actor.username, to_db(now)])
        record_event(cur, actor.username, "case_theme", case_id, "imported_labels", None, {"themes": codes},
                     "Chủ đề nhập từ CSV")


def _format_time(value: datetime | None) -> str:
    return from_db(value).astimezone(LOCAL_TZ).isoformat(timespec="seconds") if value else ""


def export_csv(db, actor: Actor, path: str | Path, *, mask_contacts: bool | None = None,
               header: Header = Header.CODES) -> int:
    """Write every case the actor may read in the canonical format (UTF-8 with BOM, for Excel), under the
    column codes or their Vietnamese names (the importer reads both); returns the row count."""
    from voc.accounts.privacy import mask_email, mask_phone

    if mask_contacts is None:
        mask_contacts = not actor.can(Permission.SEE_CONTACTS)
    scope = None if actor.can(Permission.READ_ALL_CASES) or actor.can(Permission.IMPORT_EXPORT) else actor.branch

    def rows(result) -> Iterator[list]:
        while chunk := result.fetchmany(5_000):
            for row in chunk:
                r = dict(zip(COLUMNS, row))
                for key in ("received_at", "first_reply_at", "resolved_at", "closed_at"):
                    r[key] = _format_time(r[key])
                r["event_date"] = r["event_date"].isoformat() if r["event_date"] else ""
                if mask_contacts:
                    r["customer_phone"] = mask_phone(r["customer_phone"])
                    r["customer_email"] = mask_email(r["customer_email"])
                yield [r[c] for c in COLUMNS]

    names = [COLUMN_NAMES_VI[c] for c in COLUMNS] if header is Header.VIETNAMESE else COLUMNS
    with db.cursor() as cur, Path(path).open("w", encoding="utf-8", newline="") as out:
        result = cur.execute(
            f"SELECT {', '.join(COLUMNS)} FROM cases WHERE ($branch IS NULL OR branch = $branch) ORDER BY id",
            {"branch": scope})
        count = write_csv(out, names, rows(result))
    with db.transaction() as cur:
        record_event(cur, actor.username, "export", "cases", "exported", None,
                     {"rows": count, "contacts_masked": mask_contacts, "branch": scope})
    return count


SAMPLE_ROWS = [
    ["KN-2025-000777", "2025-03-01T09:10:00", "in_person", "quality", "hosting", "Trần Thị Bình", "0912345678",
     "binh@example.com", "2025-02-27", "Website bị sập từ thứ Bảy, khách không truy cập được.",
     "Khôi phục website và bồi thường", "closed", "1", "2025-03-02T10:00:00", "2025-03-05T10:00:00",
     "2025-03-06T10:00:00", "lan", "Hà Nội"],
    ["", "2025-04-01T09:10:00+07:00", "hotline", "business", "domain", "Lê Văn Cường", "0987654321", "",
     "2025-03-30", "Bị trừ tiền gia hạn tên miền hai lần", "Hoàn lại tiền", "received", "1", "", "", "", "",
     "Đà Nẵng"],
]


def sample_csv() -> bytes:
    """A small file in the canonical format for admins to start from (UTF-8 with BOM)."""
    return csv_bytes(COLUMNS, SAMPLE_ROWS, raw=True)


def column_guide() -> list[dict[str, str]]:
    """Each canonical column: code, Vietnamese name, required or not, and what it holds."""
    def values(enum) -> str:
        return ", ".join(f"{m.value} ({m.label})" for m in enum)

    holds = {
        "ticket_code": "để trống: hệ thống cấp mã mới", "received_at": "ISO 8601, ví dụ 2025-03-01T09:10:00 "
        "(không ghi múi giờ = giờ Việt Nam)", "channel": values(Channel), "issue_kind": values(IssueKind),
        "service": values(Service), "event_date": "YYYY-MM-DD", "status": values(Status), "round": "1 hoặc 2",
        "first_reply_at": "ISO 8601", "resolved_at": "ISO 8601", "closed_at": "ISO 8601",
        "branch": "một chi nhánh trong danh sách Chi nhánh",
    }
    return [{"Cột (mã)": c, "Tên tiếng Việt": COLUMN_NAMES_VI[c], "Bắt buộc": c in REQUIRED,
             "Giá trị": holds.get(c, "")} for c in COLUMNS]
