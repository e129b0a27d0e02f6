"""Attachments (R2: tài liệu kèm theo): allowed types, a size limit, a SHA-256 checksum."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

from voc.accounts.access import Actor
from voc.store.audit import record_event
from voc.store.pending import PendingRows
from voc.clock import format_local, from_db, to_db
from voc.errors import NotFound, ValidationError
from voc.model import DocumentKind
from voc.numbers import vn_number

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 10

# extension -> (MIME type, magic prefixes the content must start with; empty = plain text)
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".png": ("image/png", (b"\x89PNG",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": ("image/gif", (b"GIF8",)),
    ".webp": ("image/webp", (b"RIFF",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    ".txt": ("text/plain", ()),
}
ALLOWED_EXTENSIONS = sorted(ext.lstrip(".") for ext in ALLOWED_TYPES)


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes


@dataclass(frozen=True)
class CheckedUpload:
    filename: str
    content: bytes
    mime_type: str
    sha256: str


@dataclass(frozen=True)
class Attachment:
    id: int
    filename: str
    mime_type: str
    size_bytes: int
    sha256: str
    uploaded_at: datetime
    uploaded_by: str
    kind: DocumentKind | None = None      # None: kept at intake


def validate_upload(upload: Upload) -> CheckedUpload:
    name = PurePath(upload.filename.replace("\\", "/")).name.strip()[:200] or "tep-dinh-kem"
    ext = PurePath(name).suffix.lower()
    if ext not in ALLOWED_TYPES:
        raise ValidationError(
            f"Tệp “{name}” không thuộc loại được phép. Chỉ nhận: {', '.join(ALLOWED_EXTENSIONS)}.", "attachments")
    size = len(upload.content)
    if size == 0:
        raise ValidationError(f"Tệp “{name}” rỗng.", "attachments")
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            f"Tệp “{name}” quá lớn ({vn_number(size / 1024 / 1024, 1)} MB); tối đa {MAX_ATTACHMENT_BYTES // 1024 // 1024} MB.",
            "attachments")
    mime, magics = ALLOWED_TYPES[ext]
    if magics and not any(upload.content.startswith(m) for m in magics):
        raise ValidationError(f"Nội dung tệp “{name}” không khớp với phần mở rộng {ext}.", "attachments")
    if not magics:
        try:
            upload.content.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(f"Tệp văn bản “{name}” phải mã hóa UTF-8.", "attachments") from None
    return CheckedUpload(name, upload.content, mime, hashlib.sha256(upload.content).hexdigest())


def validate_uploads(uploads: list[Upload]) -> list[CheckedUpload]:
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError(f"Tối đa {MAX_ATTACHMENTS} tệp đính kèm mỗi lần.", "attachments")
    return [validate_upload(u) for u in uploads]


def refuse_duplicates(cur, case_id: int, uploads: list[CheckedUpload]) -> None:
    """A file whose content (SHA-256) the case already holds, or that is chosen twice, is not stored twice."""
    seen: dict[str, str] = {}
    for upload in uploads:
        if upload.sha256 in seen:
            raise ValidationError(f"Tệp “{upload.filename}” trùng nội dung với tệp “{seen[upload.sha256]}” "
                                  "được chọn cùng lúc.", "attachments")
        seen[upload.sha256] = upload.filename
        row = cur.execute("SELECT filename, uploaded_at FROM attachments WHERE case_id = ? AND sha256 = ? "
                          "ORDER BY id LIMIT 1", [case_id, upload.sha256]).fetchone()
        if row is not None:
            raise ValidationError(
                f"Tệp “{upload.filename}” đã có trong hồ sơ (cùng nội dung với “{row[0]}”, "
                f"tải lên lúc {format_local(from_db(row[1]))}).", "attachments")


def store(cur, actor: Actor, case_id: int, upload: CheckedUpload, at: datetime,
          kind: DocumentKind | None = None, *, pending: PendingRows | None = None) -> int:
    attachment_id = cur.execute(
        "INSERT INTO attachments (case_id, filename, mime_type, size_bytes, sha256, content, uploaded_at, "
        "uploaded_by, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [case_id, upload.filename, upload.mime_type, len(upload.content), upload.sha256, upload.content,
         to_db(at), actor.username, kind.value if kind else None],
    ).fetchone()[0]
    record_event(cur, actor.username, "case", case_id, "attachment_added", None,
                 {"attachment_id": attachment_id, "filename": upload.filename, "sha256": upload.sha256,
                  **({"kind": kind} if kind else {})}, at=at, pending=pending)
    return attachment_id


def list_attachments(cur, case_id: int) -> list[Attachment]:
    rows = cur.execute(
        "SELECT id, filename, mime_type, size_bytes, sha256, uploaded_at, uploaded_by, kind FROM attachments "
        "WHERE case_id = ? ORDER BY id", [case_id]).fetchall()
    return [Attachment(r[0], r[1], r[2], r[3], r[4], from_db(r[5]), r[6], DocumentKind(r[7]) if r[7] else None)
            for r in rows]


def attachment_content(cur, case_id: int, attachment_id: int) -> bytes:
    row = cur.execute("SELECT content FROM attachments WHERE case_id = ? AND id = ?",
                      [case_id, attachment_id]).fetchone()
    if row is None:
        raise NotFound("Không tìm thấy tệp đính kèm.")
    return bytes(row[0])
