"""The case lifecycle as an explicit state machine (R5-R10).

received → verifying → replied → awaiting customer → resolved → closed.
A disagreement in round 1 opens round 2 (back to verifying, fresh clocks);
a disagreement in round 2 ends as referred to the regulator or a court.
"""
from __future__ import annotations

from enum import Enum

from voc.errors import InvalidTransition
from voc.model import Status


class Action(str, Enum):
    START_VERIFICATION = "start_verification"
    ISSUE_LETTER = "issue_letter"
    AWAIT_CUSTOMER = "await_customer"
    CUSTOMER_AGREES = "customer_agrees"
    OPEN_SECOND_ROUND = "open_second_round"
    REFER = "refer"
    CLOSE = "close"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.START_VERIFICATION: "Bắt đầu xác minh",
    Action.ISSUE_LETTER: "Phát hành thư trả lời / giấy mời",
    Action.AWAIT_CUSTOMER: "Đã gửi, chờ khách hàng phản hồi",
    Action.CUSTOMER_AGREES: "Khách hàng đồng ý",
    Action.OPEN_SECOND_ROUND: "Khách hàng không đồng ý — mở giải quyết lần 2",
    Action.REFER: "Khách hàng không đồng ý lần 2 — chuyển cơ quan quản lý / Tòa án",
    Action.CLOSE: "Đóng hồ sơ",
}

_TRANSITIONS: dict[Action, dict[Status, Status]] = {
    Action.START_VERIFICATION: {Status.RECEIVED: Status.VERIFYING},
    Action.ISSUE_LETTER: {
        Status.VERIFYING: Status.REPLIED,
        Status.REPLIED: Status.REPLIED,
        Status.AWAITING_CUSTOMER: Status.AWAITING_CUSTOMER,
    },
    Action.AWAIT_CUSTOMER: {Status.REPLIED: Status.AWAITING_CUSTOMER},
    Action.CUSTOMER_AGREES: {Status.REPLIED: Status.RESOLVED, Status.AWAITING_CUSTOMER: Status.RESOLVED},
    Action.OPEN_SECOND_ROUND: {Status.REPLIED: Status.VERIFYING, Status.AWAITING_CUSTOMER: Status.VERIFYING},
    Action.REFER: {Status.REPLIED: Status.REFERRED, Status.AWAITING_CUSTOMER: Status.REFERRED},
    Action.CLOSE: {Status.RESOLVED: Status.CLOSED},
}

LAST_ROUND = 2


def _round_allows(action: Action, round_no: int) -> bool:
    if action is Action.OPEN_SECOND_ROUND:
        return round_no < LAST_ROUND
    if action is Action.REFER:
        return round_no >= LAST_ROUND
    return True


def allowed_actions(status: Status, round_no: int) -> list[Action]:
    return [a for a, moves in _TRANSITIONS.items() if status in moves and _round_allows(a, round_no)]


def next_status(status: Status, round_no: int, action: Action) -> Status:
    """The status after `action`, or InvalidTransition with a Vietnamese explanation."""
    moves = _TRANSITIONS[action]
    if status not in moves:
        raise InvalidTransition(
            f"Không thể thực hiện “{action.label}” khi hồ sơ đang ở trạng thái “{status.label}”."
        )
    if not _round_allows(action, round_no):
        if action is Action.OPEN_SECOND_ROUND:
            raise InvalidTransition(
                "Hồ sơ đã ở lần giải quyết thứ 2; nếu khách hàng vẫn không đồng ý, hãy chuyển cơ quan quản lý hoặc Tòa án."
            )
        raise InvalidTransition(
            "Chỉ chuyển cơ quan quản lý / Tòa án khi khách hàng không đồng ý với giải quyết lần 2."
        )
    return moves[status]
