"""What the Quản trị page does: tables of users and events, policy changes, imports from an upload."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Callable

import pandas as pd

from voc.accounts import users
from voc.accounts.access import Actor, Permission
from voc.clock import format_local, from_db
from voc.desk.csvio import ImportReport, export_csv, import_csv
from voc.desk.policy import Policy, load_policy, save_policy


def users_table(db, actor: Actor) -> pd.DataFrame:
    rows = [{"Tên đăng nhập": u.username, "Họ tên": u.display_name, "Vai trò": u.role.label,
             "Chi nhánh": u.branch or "", "Hoạt động": u.active,
             "Khóa đến": format_local(u.locked_until) if u.locked_until else ""} for u in users.list_users(db, actor)]
    return pd.DataFrame(rows)


def current_policy(db) -> Policy:
    with db.cursor() as cur:
        return load_policy(cur)


def change_policy(db, actor: Actor, policy: Policy) -> Policy:
    return save_policy(db, actor, policy)


def import_upload(db, actor: Actor, filename: str, content: bytes,
                  progress: Callable[[int, int], None] | None = None) -> tuple[ImportReport, bytes | None]:
    """Import an uploaded CSV through a temporary file; return the report and the rejects file's bytes."""
    actor.require(Permission.IMPORT_EXPORT)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (Path(filename).name or "import.csv")
        path.write_bytes(content)
        report = import_csv(db, actor, path, progress=progress)
        rejects = report.rejects_path.read_bytes() if report.rejects_path and report.rejects_path.exists() else None
    return report, rejects


def export_bytes(db, actor: Actor) -> bytes:
    actor.require(Permission.IMPORT_EXPORT)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        export_csv(db, actor, path)
        return path.read_bytes()


def recent_events(db, actor: Actor, limit: int = 500) -> pd.DataFrame:
    actor.require(Permission.MANAGE_USERS)
    with db.cursor() as cur:
        rows = cur.execute(
            "SELECT occurred_at, actor, entity, entity_id, action, CAST(after AS VARCHAR), note FROM events "
            "ORDER BY id DESC LIMIT ?", [limit]).fetchall()
    return pd.DataFrame([{"Thời điểm": format_local(from_db(r[0])), "Người thực hiện": r[1], "Đối tượng": r[2],
                          "Mã": r[3], "Hành động": r[4], "Sau": r[5] or "", "Ghi chú": r[6] or ""} for r in rows])
