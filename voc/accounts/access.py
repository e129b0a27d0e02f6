"""Who may do what: roles, permissions, and the acting user every domain operation takes."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from voc.errors import PermissionDenied


class Role(str, Enum):
    STAFF = "staff"
    QA = "qa"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.STAFF: "Nhân viên CSKH",
    Role.QA: "Giám sát chất lượng",
    Role.MANAGER: "Quản lý",
    Role.ADMIN: "Quản trị",
}


class Permission(str, Enum):
    READ_ALL_CASES = "read_all_cases"          # otherwise only the actor's own branch
    HANDLE_CASES = "handle_cases"              # receive, verify, write letters, record answers
    EDIT_TAXONOMY = "edit_taxonomy"            # themes, glossary, corrections, retraining
    VIEW_ANALYTICS = "view_analytics"
    SEE_CONTACTS = "see_contacts"              # unmasked phone, e-mail, address
    MANAGE_USERS = "manage_users"
    MANAGE_POLICY = "manage_policy"
    IMPORT_EXPORT = "import_export"
    REVIEW_REPLIES = "review_replies"          # mark issued replies reviewed, comment to their writer
    MANAGE_MAIL = "manage_mail"                # the complaints mailbox: fetch, quarantine


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.STAFF: frozenset({Permission.HANDLE_CASES, Permission.SEE_CONTACTS}),
    Role.QA: frozenset({Permission.READ_ALL_CASES, Permission.EDIT_TAXONOMY, Permission.VIEW_ANALYTICS,
                        Permission.REVIEW_REPLIES}),
    Role.MANAGER: frozenset({Permission.READ_ALL_CASES, Permission.VIEW_ANALYTICS, Permission.SEE_CONTACTS,
                             Permission.REVIEW_REPLIES}),
    Role.ADMIN: frozenset(Permission),
}

PERMISSION_MESSAGES = {
    Permission.READ_ALL_CASES: "Bạn chỉ được xem hồ sơ của chi nhánh mình.",
    Permission.HANDLE_CASES: "Chỉ nhân viên CSKH hoặc quản trị mới được xử lý hồ sơ khiếu nại.",
    Permission.EDIT_TAXONOMY: "Chỉ giám sát chất lượng (QA) hoặc quản trị mới được sửa chủ đề và từ điển.",
    Permission.VIEW_ANALYTICS: "Bạn không có quyền xem phân tích VOC.",
    Permission.SEE_CONTACTS: "Bạn không có quyền xem thông tin liên hệ của khách hàng.",
    Permission.MANAGE_USERS: "Chỉ quản trị mới được quản lý tài khoản.",
    Permission.MANAGE_POLICY: "Chỉ quản trị mới được đổi các giá trị chính sách.",
    Permission.IMPORT_EXPORT: "Chỉ quản trị mới được nhập/xuất dữ liệu.",
    Permission.REVIEW_REPLIES: "Chỉ giám sát chất lượng (QA), quản lý hoặc quản trị mới được duyệt thư trả lời.",
    Permission.MANAGE_MAIL: "Chỉ quản trị mới được quản lý hộp thư khiếu nại.",
}

STAFF_WITHOUT_BRANCH = "Tài khoản nhân viên CSKH chưa được gán chi nhánh nên chưa thể làm việc. Liên hệ quản trị."


@dataclass(frozen=True)
class Actor:
    """The person (or system job) performing an operation; recorded in every audit event."""

    username: str
    role: Role
    branch: str | None = None
    display_name: str | None = None

    def __post_init__(self) -> None:
        if self.role is Role.STAFF and not self.branch:
            # A branch is staff's whole scope: without one they must not act at all (never "every branch").
            raise PermissionDenied(STAFF_WITHOUT_BRANCH)

    def can(self, permission: Permission) -> bool:
        return permission in GRANTS[self.role]

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise PermissionDenied(PERMISSION_MESSAGES[permission])

    def may_touch_branch(self, branch: str | None) -> bool:
        """Staff work on their own branch's cases; broader roles on all. An actor without a branch of
        their own touches none (a second guard behind the constructor's)."""
        if self.can(Permission.READ_ALL_CASES) or self.role is Role.ADMIN:
            return True
        return self.branch is not None and branch == self.branch


# The actor for command-line and system jobs (imports, demo data, backfills).
SYSTEM = Actor("system", Role.ADMIN, None, "Hệ thống")
