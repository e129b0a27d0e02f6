"""The state machine: every legal transition, and illegal ones raise with a Vietnamese message."""
import pytest

from voc.errors import InvalidTransition
from voc.desk.lifecycle import Action, allowed_actions, next_status
from voc.model import Status

LEGAL = [
    (Status.RECEIVED, 1, Action.START_VERIFICATION, Status.VERIFYING),
    (Status.VERIFYING, 1, Action.ISSUE_LETTER, Status.REPLIED),
    (Status.REPLIED, 1, Action.ISSUE_LETTER, Status.REPLIED),
    (Status.AWAITING_CUSTOMER, 1, Action.ISSUE_LETTER, Status.AWAITING_CUSTOMER),
    (Status.REPLIED, 1, Action.AWAIT_CUSTOMER, Status.AWAITING_CUSTOMER),
    (Status.REPLIED, 1, Action.CUSTOMER_AGREES, Status.RESOLVED),
    (Status.AWAITING_CUSTOMER, 1, Action.CUSTOMER_AGREES, Status.RESOLVED),
    (Status.REPLIED, 1, Action.OPEN_SECOND_ROUND, Status.VERIFYING),
    (Status.AWAITING_CUSTOMER, 1, Action.OPEN_SECOND_ROUND, Status.VERIFYING),
    (Status.AWAITING_CUSTOMER, 2, Action.CUSTOMER_AGREES, Status.RESOLVED),
    (Status.REPLIED, 2, Action.REFER, Status.REFERRED),
    (Status.AWAITING_CUSTOMER, 2, Action.REFER, Status.REFERRED),
    (Status.RESOLVED, 1, Action.CLOSE, Status.CLOSED),
    (Status.RESOLVED, 2, Action.CLOSE, Status.CLOSED),
]


@pytest.mark.parametrize("status, round_no, action, expected", LEGAL)
def test_legal_transitions(status, round_no, action, expected):
    assert next_status(status, round_no, action) is expected
    assert action in allowed_actions(status, round_no)


@pytest.mark.parametrize("status, round_no, action", [
    (Status.RECEIVED, 1, Action.ISSUE_LETTER),          # verify first (R5)
    (Status.RECEIVED, 1, Action.CLOSE),
    (Status.VERIFYING, 1, Action.CUSTOMER_AGREES),       # no reply yet
    (Status.AWAITING_CUSTOMER, 1, Action.REFER),         # referral only after round 2 (R10)
    (Status.AWAITING_CUSTOMER, 2, Action.OPEN_SECOND_ROUND),  # there is no round 3
    (Status.CLOSED, 1, Action.START_VERIFICATION),
    (Status.REFERRED, 2, Action.CLOSE),
    (Status.RESOLVED, 1, Action.ISSUE_LETTER),
])
def test_illegal_transitions(status, round_no, action):
    with pytest.raises(InvalidTransition) as error:
        next_status(status, round_no, action)
    assert "Không thể" in str(error.value) or "lần" in str(error.value)
    assert action not in allowed_actions(status, round_no)


def test_finished_cases_allow_nothing():
    assert allowed_actions(Status.CLOSED, 1) == []
    assert allowed_actions(Status.REFERRED, 2) == []


def test_every_status_is_reachable_from_received():
    seen = {(Status.RECEIVED, 1)}
    frontier = [(Status.RECEIVED, 1)]
    while frontier:
        status, round_no = frontier.pop()
        for action in allowed_actions(status, round_no):
            state = (next_status(status, round_no, action),
                     round_no + 1 if action is Action.OPEN_SECOND_ROUND else round_no)
            if state not in seen:
                seen.add(state)
                frontier.append(state)
    assert {status for status, _ in seen} == set(Status)
    assert (Status.REFERRED, 1) not in seen
