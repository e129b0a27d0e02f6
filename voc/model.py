"""Domain values of a complaint case: channels, services, issue kinds, statuses, the case itself."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

from voc.plaintext import fold


class LabelledEnum(str, Enum):
    """A str enum whose members carry their own Vietnamese label for the UI.

    Members are declared as `CODE = "code", "Nhãn"`: the label lives on the member, not in a map
    shared by all enums, where Channel.EMAIL and Service.EMAIL (both equal to "email") were one key.
    """

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self) -> str:
        return self._label

    @classmethod
    def parse(cls, value: str) -> "LabelledEnum":
        """Accept the code ("hotline") or the Vietnamese label ("Điện thoại"), case- and
        diacritics-insensitively ("dien thoai", "ĐIỆN THOẠI")."""
        key = fold(value)
        for member in cls:
            if key in (member.value, fold(member.label)):
                return member
        raise ValueError((value or "").strip())


class Channel(LabelledEnum):
    """R1: how the complaint reached us."""

    IN_PERSON = "in_person", "Trực tiếp"
    HOTLINE = "hotline", "Điện thoại"
    EMAIL = "email", "Email / web ticket"
    POST = "post", "Bưu điện"


class IssueKind(LabelledEnum):
    """R8: the statute of limitations depends on the kind."""

    QUALITY = "quality", "Chất lượng dịch vụ"
    BUSINESS = "business", "Kinh doanh"


class Service(LabelledEnum):
    HOSTING = "hosting", "Hosting"
    VPS = "vps", "VPS"
    DOMAIN = "domain", "Tên miền"
    EMAIL = "email", "Email doanh nghiệp"
    SSL = "ssl", "Chứng chỉ SSL"
    CLOUD = "cloud", "Cloud server"
    OTHER = "other", "Khác"


class Status(LabelledEnum):
    RECEIVED = "received", "Đã tiếp nhận"
    VERIFYING = "verifying", "Đang xác minh"
    REPLIED = "replied", "Đã trả lời"
    AWAITING_CUSTOMER = "awaiting_customer", "Chờ khách hàng phản hồi"
    RESOLVED = "resolved", "Đã giải quyết"
    CLOSED = "closed", "Đã đóng"
    REFERRED = "referred", "Chuyển cơ quan ngoài"

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES


OPEN_STATUSES = frozenset({Status.RECEIVED, Status.VERIFYING, Status.REPLIED, Status.AWAITING_CUSTOMER})


class LetterKind(LabelledEnum):
    REPLY = "reply", "Thư trả lời"
    INVITATION = "invitation", "Giấy mời"


class LetterDelivery(LabelledEnum):
    """How an issued letter reached the customer (R6: the written reply is sent)."""

    EMAIL = "email", "Email (kèm PDF)"
    POST = "post", "Bưu điện"
    IN_PERSON = "in_person", "Trao tận tay"

    @property
    def recipient_label(self) -> str:
        return DELIVERY_RECIPIENT_LABELS[self]


DELIVERY_RECIPIENT_LABELS = {LetterDelivery.EMAIL: "Địa chỉ email nhận", LetterDelivery.POST: "Địa chỉ nhận thư",
                             LetterDelivery.IN_PERSON: "Người nhận thư"}


@dataclass(frozen=True)
class Delivery:
    """How, to whom and when an issued letter was sent.

    `recipient` is the e-mail address, the postal address, or the name of the person handed the letter.
    `at` is None for "at the moment of issuing" (always so for e-mail: the outbox takes it then); a letter
    posted or handed over a little before it was recorded gives that earlier time.
    """

    method: LetterDelivery
    recipient: str
    at: datetime | None = None


@dataclass(frozen=True)
class Letter:
    id: int
    case_id: int
    round: int
    kind: LetterKind
    doc_number: str
    subject: str
    body: str
    meeting_at: datetime | None
    meeting_place: str | None
    issued_at: datetime
    issued_by: str
    supersedes: int | None
    supersedes_number: str | None = None      # doc_number of the letter this one replaces
    superseded_by_number: str | None = None   # doc_number of the letter that replaced this one
    delivery: Delivery | None = None          # None for letters issued before deliveries were recorded

    @property
    def is_superseded(self) -> bool:
        return self.superseded_by_number is not None



class ReferralBody(LabelledEnum):
    """R10: where a case goes when round 2 ends without agreement."""

    REGULATOR = "regulator", "Cơ quan quản lý"
    COURT = "court", "Tòa án"


class SlaState(LabelledEnum):
    ON_TIME = "on_time", "Trong hạn"
    DUE_24H = "due_24h", "Đến hạn trong 24 giờ"
    REPLY_OVERDUE = "reply_overdue", "Quá hạn trả lời"
    RESOLUTION_OVERDUE = "resolution_overdue", "Quá hạn giải quyết"


class RootCauseCategory(LabelledEnum):
    """Where the fault behind a complaint lay, for the internal fix (SPEC, Respond)."""

    INFRASTRUCTURE = "infrastructure", "Hạ tầng / máy chủ / mạng"
    SOFTWARE = "software", "Phần mềm / cấu hình"
    PROCESS = "process", "Quy trình / con người"
    THIRD_PARTY = "third_party", "Nhà cung cấp bên thứ ba"
    CUSTOMER_SIDE = "customer_side", "Phía khách hàng / cách sử dụng"
    OTHER = "other", "Khác"


class DocumentKind(LabelledEnum):
    """What a document added to a case after intake is (R2, tài liệu kèm theo)."""

    SIGNED_RECEIPT = "signed_receipt", "Phiếu tiếp nhận đã ký"
    MEETING_MINUTES = "meeting_minutes", "Biên bản làm việc"
    CUSTOMER_EVIDENCE = "customer_evidence", "Bằng chứng bổ sung của khách hàng"
    OTHER = "other", "Khác"


class TagSource(LabelledEnum):
    """Where a case's theme came from; QA's corrections always win over the machine."""

    RULE = "rule", "Từ điển"        # a glossary term matched (the model may agree)
    MODEL = "model", "Mô hình"      # the classifier alone
    QA = "qa", "QA"            # a QA correction


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
