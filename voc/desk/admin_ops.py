"""What the Quản trị page does: tables of users and branches, policy changes, imports from an upload, exports."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Callable

import pandas as pd

from voc.accounts import branches, users
from voc.accounts.access import Actor, Permission
from voc.clock import format_local, local_date, utcnow
from voc.desk.csv_excel import file_name
from voc.desk.csvio import (COLUMN_NAMES_VI, REJECT_REASON, REJECT_ROW, Header, ImportReport, export_csv, import_csv,
                           rejects_path_for)
from voc.desk.policy import Policy, load_policy, save_policy


def users_table(accounts: list[users.User]) -> pd.DataFrame:
    """The accounts as admins see them (e-mail addresses unmasked)."""
    rows = [{"Tên đăng nhập": u.username, "Họ tên": u.display_name, "Vai trò": u.role.label,
             "Chi nhánh": u.branch or "", "E-mail": u.email or "", "Hoạt động": u.active,
             "Khóa đến": format_local(u.locked_until) if u.locked() else ""} for u in accounts]
    return pd.DataFrame(rows, columns=["Tên đăng nhập", "Họ tên", "Vai trò", "Chi nhánh", "E-mail", "Hoạt động",
                                       "Khóa đến"])


def branches_table(db, actor: Actor) -> pd.DataFrame:
    actor.require(Permission.MANAGE_USERS)
    with db.cursor() as cur:
        rows = [{"Chi nhánh": b.name, "Hoạt động": b.active, "Tài khoản": b.accounts, "Hồ sơ": b.cases}
                for b in branches.list_branches(cur)]
    return pd.DataFrame(rows, columns=["Chi nhánh", "Hoạt động", "Tài khoản", "Hồ sơ"])


def current_policy(db) -> Policy:
    with db.cursor() as cur:
        return load_policy(cur)


def change_policy(db, actor: Actor, policy: Policy) -> Policy:
    return save_policy(db, actor, policy)


def import_upload(db, actor: Actor, filename: str, content: bytes,
                  progress: Callable[[int, int], None] | None = None, *, dry_run: bool = False) -> ImportReport:
    """Import (or with dry_run only check) an uploaded CSV through a temporary file. The rejects file is
    `report.rejects_csv()`, to be downloaded as `rejects_file_name(filename)`."""
    actor.require(Permission.IMPORT_EXPORT)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (Path(filename).name or "import.csv")
        path.write_bytes(content)
        return import_csv(db, actor, path, progress=progress, dry_run=dry_run)


def rejects_file_name(filename: str) -> str:
    """`<name>.rejects.csv`, as the README says."""
    return rejects_path_for(Path(Path(filename).name or "import.csv")).name


REJECTS_SHOWN = 1_000


def rejected_rows(report: ImportReport, limit: int = REJECTS_SHOWN) -> pd.DataFrame:
    """The first `limit` rejected rows for the screen: row number, reason, then the row's cells."""
    names = [COLUMN_NAMES_VI.get(h, h) for h in report.header]
    rows = []
    for reject in sorted(report.rejects, key=lambda r: r.line_no)[:limit]:
        rows.append({REJECT_ROW: reject.line_no, REJECT_REASON: reject.reason, **dict(zip(names, reject.cells))})
    return pd.DataFrame(rows, columns=[REJECT_ROW, REJECT_REASON, *names])


def export_bytes(db, actor: Actor, header: Header = Header.VIETNAMESE) -> bytes:
    actor.require(Permission.IMPORT_EXPORT)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        export_csv(db, actor, path, header=header)
        return path.read_bytes()


def export_file_name() -> str:
    return file_name("Hồ sơ khiếu nại", day=local_date(utcnow()))
