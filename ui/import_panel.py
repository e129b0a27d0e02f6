"""Quản trị → Nhập / xuất CSV: check or import a canonical CSV, see every rejected row and why, export.

The result of the last check or import is kept in the session, so it stays on screen while the admin
downloads the rejects file (or does anything else) until the next check or import.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from ui.widgets import md_escape, show_error
from voc.accounts.access import Actor
from voc.desk import admin_ops, csvio
from voc.desk.csvio import Header, ImportReport
from voc.errors import DomainError
from voc.numbers import vn_number

RESULT = "import_result"
SAMPLE_NAME = "mau-nhap-ho-so.csv"
HEADER_LABELS = {Header.VIETNAMESE: "Tên cột tiếng Việt (đọc bằng Excel)",
                 Header.CODES: "Mã cột chuẩn (cho máy, như README)"}


@dataclass(frozen=True)
class ImportResult:
    file_name: str
    report: ImportReport
    rejects: bytes | None          # the rejects file, UTF-8 with BOM


def show(db, actor: Actor) -> None:
    st.subheader("Nhập hồ sơ từ CSV chuẩn")
    st.caption("UTF-8, một dòng tiêu đề (mã cột như tệp mẫu, hoặc tên cột tiếng Việt như tệp các dòng bị từ chối). "
               "Dòng lỗi không được nhập và được liệt kê kèm lý do; hồ sơ đã có (cùng mã) không bị thay đổi. "
               "“Kiểm tra, chưa nhập” đọc và kiểm tra mọi dòng mà không ghi gì.")
    with st.expander("Các cột và tệp mẫu"):
        st.dataframe(pd.DataFrame(csvio.column_guide()), hide_index=True, width="stretch")
        st.download_button("Tải tệp CSV mẫu", csvio.sample_csv(), file_name=SAMPLE_NAME, mime="text/csv",
                           key="import_sample", icon=":material/download:", on_click="ignore")
    upload = st.file_uploader("Tệp CSV", type=["csv"], key="import_csv",
                              help="Tệp CSV chuẩn (UTF-8, có thể kèm BOM của Excel), tối đa 200 MB.")
    c1, c2 = st.columns(2)
    check = c1.button("Kiểm tra, chưa nhập", disabled=upload is None, key="import_check")
    run = c2.button("Nhập dữ liệu", type="primary", disabled=upload is None, key="import_run")
    if upload is not None and (check or run):
        _import(db, actor, upload.name, upload.getvalue(), dry_run=check)
    _show_result()
    _export(db, actor)


def _import(db, actor: Actor, name: str, content: bytes, *, dry_run: bool) -> None:
    bar = st.progress(0.0, text="Đang kiểm tra…" if dry_run else "Đang nhập…")
    try:
        report = admin_ops.import_upload(
            db, actor, name, content, dry_run=dry_run,
            progress=lambda done, total: bar.progress(min(done / max(total, 1), 1.0), text=f"Đã đọc {vn_number(done)} dòng…"))
    except DomainError as error:
        bar.empty()
        st.session_state.pop(RESULT, None)
        show_error(error)
        return
    bar.empty()
    st.session_state[RESULT] = ImportResult(name, report, report.rejects_csv())


def _show_result() -> None:
    result: ImportResult | None = st.session_state.get(RESULT)
    if result is None:
        return
    report = result.report
    title = "Kết quả kiểm tra (chưa nhập)" if report.dry_run else "Kết quả nhập"
    st.markdown(f"**{title}: {md_escape(result.file_name)}**")
    (st.warning if report.rejected else st.success)(report.summary())
    if report.dry_run and report.imported:
        st.info("Chưa có gì được ghi vào hệ thống. Sửa các dòng bị từ chối nếu cần, rồi bấm “Nhập dữ liệu”.")
    if result.rejects is None:
        return
    rejects_name = admin_ops.rejects_file_name(result.file_name)
    st.download_button(f"Tải tệp các dòng bị từ chối ({rejects_name})", result.rejects, file_name=rejects_name,
                       mime="text/csv", key="import_rejects", icon=":material/download:", on_click="ignore")
    st.markdown("**Các dòng bị từ chối và lý do**")
    st.dataframe(admin_ops.rejected_rows(report), hide_index=True, width="stretch", key="import_rejected_rows")
    if report.rejected > admin_ops.REJECTS_SHOWN:
        st.caption(f"Đang hiện {vn_number(admin_ops.REJECTS_SHOWN)} dòng đầu trong {vn_number(report.rejected)} dòng; "
                   "tệp tải về có đủ mọi dòng.")
    st.caption("Cách sửa: mở tệp các dòng bị từ chối bằng Excel, sửa từng dòng theo cột Lý do, lưu lại dạng CSV UTF-8 "
               "rồi nhập lại chính tệp đó. Cột Dòng và Lý do được bỏ qua khi nhập.")


def _export(db, actor: Actor) -> None:
    st.subheader("Xuất toàn bộ hồ sơ")
    header = st.radio("Dòng tiêu đề", list(Header), format_func=HEADER_LABELS.get, horizontal=True,
                      key="export_header")
    st.caption("Cả hai dạng đều nhập lại được. Tệp được tạo khi bấm tải và việc xuất được ghi vào nhật ký.")
    st.download_button("Tải CSV toàn bộ hồ sơ", lambda: admin_ops.export_bytes(db, actor, header),
                       file_name=admin_ops.export_file_name(), mime="text/csv", key="export_cases",
                       icon=":material/download:", on_click="ignore")
