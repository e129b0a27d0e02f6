"""Domain values of a complaint case: channels, services, issue kinds, statuses, the case itself."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum


class LabelledEnum(str, Enum):
    """A str enum whose members carry a Vietnamese label for the UI."""

    @property
    def label(self) -> str:
        return LABELS[self]

    @classmethod
    def parse(cls, value: str) -> "LabelledEnum":
        """Accept the code ("hotline") or the Vietnamese label ("Điện thoại")."""
        text = (value or "").strip()
        for member in cls:
            if text == member.value or text.casefold() == member.label.casefold():
                return member
        raise ValueError(text)


class Channel(LabelledEnum):
    """R1: how the complaint reached us."""

    IN_PERSON = "in_person"
    HOTLINE = "hotline"
    EMAIL = "email"
    POST = "post"


class IssueKind(LabelledEnum):
    """R8: the statute of limitations depends on the kind."""

    QUALITY = "quality"
    BUSINESS = "business"


class Service(LabelledEnum):
    HOSTING = "hosting"
    VPS = "vps"
    DOMAIN = "domain"
    EMAIL = "email"
    SSL = "ssl"
    CLOUD = "cloud"
    OTHER = "other"


class Status(LabelledEnum):
    RECEIVED = "received"
    VERIFYING = "verifying"
    REPLIED = "replied"
    AWAITING_CUSTOMER = "awaiting_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REFERRED = "referred"

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES


OPEN_STATUSES = frozenset({Status.RECEIVED, Status.VERIFYING, Status.REPLIED, Status.AWAITING_CUSTOMER})


class LetterKind(LabelledEnum):
    REPLY = "reply"
    INVITATION = "invitation"


class ReferralBody(LabelledEnum):
    """R10: where a case goes when round 2 ends without agreement."""

    REGULATOR = "regulator"
    COURT = "court"


class SlaState(LabelledEnum):
    ON_TIME = "on_time"
    DUE_24H = "due_24h"
    REPLY_OVERDUE = "reply_overdue"
    RESOLUTION_OVERDUE = "resolution_overdue"


class RootCauseCategory(LabelledEnum):
    """Where the fault behind a complaint lay, for the internal fix (SPEC, Respond)."""

    INFRASTRUCTURE = "infrastructure"
    SOFTWARE = "software"
    PROCESS = "process"
    THIRD_PARTY = "third_party"
    CUSTOMER_SIDE = "customer_side"
    OTHER = "other"


class TagSource(LabelledEnum):
    """Where a case's theme came from; QA's corrections always win over the machine."""

    RULE = "rule"        # a glossary term matched (the model may agree)
    MODEL = "model"      # the classifier alone
    QA = "qa"            # a QA correction


LABELS: dict[Enum, str] = {
    Channel.IN_PERSON: "Trực tiếp",
    Channel.HOTLINE: "Điện thoại",
    Channel.EMAIL: "Email / web ticket",
    Channel.POST: "Bưu điện",
    IssueKind.QUALITY: "Chất lượng dịch vụ",
    IssueKind.BUSINESS: "Kinh doanh",
    Service.HOSTING: "Hosting",
    Service.VPS: "VPS",
    Service.DOMAIN: "Tên miền",
    Service.EMAIL: "Email doanh nghiệp",
    Service.SSL: "Chứng chỉ SSL",
    Service.CLOUD: "Cloud server",
    Service.OTHER: "Khác",
    Status.RECEIVED: "Đã tiếp nhận",
    Status.VERIFYING: "Đang xác minh",
    Status.REPLIED: "Đã trả lời",
    Status.AWAITING_CUSTOMER: "Chờ khách hàng phản hồi",
    Status.RESOLVED: "Đã giải quyết",
    Status.CLOSED: "Đã đóng",
    Status.REFERRED: "Chuyển cơ quan ngoài",
    LetterKind.REPLY: "Thư trả lời",
    LetterKind.INVITATION: "Giấy mời",
    ReferralBody.REGULATOR: "Cơ quan quản lý",
    ReferralBody.COURT: "Tòa án",
    SlaState.ON_TIME: "Trong hạn",
    SlaState.DUE_24H: "Đến hạn trong 24 giờ",
    SlaState.REPLY_OVERDUE: "Quá hạn trả lời",
    SlaState.RESOLUTION_OVERDUE: "Quá hạn giải quyết",
    RootCauseCategory.INFRASTRUCTURE: "Hạ tầng / máy chủ / mạng",
    RootCauseCategory.SOFTWARE: "Phần mềm / cấu hình",
    RootCauseCategory.PROCESS: "Quy trình / con người",
    RootCauseCategory.THIRD_PARTY: "Nhà cung cấp bên thứ ba",
    RootCauseCategory.CUSTOMER_SIDE: "Phía khách hàng / cách sử dụng",
    RootCauseCategory.OTHER: "Khác",
    TagSource.RULE: "Từ điển",
    TagSource.MODEL: "Mô hình",
    TagSource.QA: "QA",
}


@dataclass(frozen=True)
class Customer:
    name: str
    phone: str | None = None
    email: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class CaseDraft:
    """What intake collects (R1, R2) before a ticket code exists."""

    customer: Customer
    channel: Channel
    service: Service
    issue_kind: IssueKind
    event_date: date | None      # None only for mail intake: the case is flagged until staff fill it in
    content: str
    request: str
    staff: str | None = None
    branch: str | None = None


@dataclass
class Case:
    id: int
    ticket_code: str
    received_at: datetime
    channel: Channel
    issue_kind: IssueKind
    service: Service
    customer: Customer
    event_date: date | None
    content: str
    request: str | None
    status: Status
    round: int
    round_opened_at: datetime
    reply_due_at: datetime
    resolution_due_at: datetime
    round_replied_at: datetime | None = None
    first_reply_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    late_complaint: bool = False
    late_reason: str | None = None
    referral_body: ReferralBody | None = None
    referral_date: date | None = None
    staff: str | None = None
    branch: str | None = None
    is_demo: bool = False
    version: int = 1
    event_date_pending: bool = False     # opened without an event date (mail): staff must fill it in
    extra: dict = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        return self.status.is_open
