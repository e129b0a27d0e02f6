"""Vietnamese labels of the domain enums: each enum its own, so no value shadows another (issue #14 item 4).

Channel.EMAIL and Service.EMAIL are both the string "email"; in one label map shared by all enums they
were one key, and the channel "Email / web ticket" showed everywhere as "Email doanh nghiệp"."""
import importlib
import pkgutil
from enum import Enum
from itertools import combinations

import pytest

import voc
from voc.model import Channel, LabelledEnum, Service
from voc.plaintext import fold

# Modules that run something when imported.
NOT_IMPORTED = {"voc.__main__"}


def labelled_enums() -> list[type[Enum]]:
    """Every enum defined in voc/ whose members have a label (LabelledEnum and the others: Role, Action)."""
    for info in pkgutil.walk_packages(voc.__path__, "voc."):
        if info.name not in NOT_IMPORTED:
            importlib.import_module(info.name)
    found, todo = [], [Enum]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("voc.") and list(sub) and hasattr(next(iter(sub)), "label"):
                found.append(sub)
    return sorted(found, key=lambda e: e.__qualname__)


ENUMS = labelled_enums()

# Every value that members of several labelled enums share, with each enum's own label.
SHARED_VALUES = {
    "email": {"Channel": "Email / web ticket", "Service": "Email doanh nghiệp", "LetterDelivery": "Email (kèm PDF)"},
    "post": {"Channel": "Bưu điện", "LetterDelivery": "Bưu điện"},
    "in_person": {"Channel": "Trực tiếp", "LetterDelivery": "Trao tận tay"},
    "failed": {"MailStatus": "Gửi thất bại", "Outcome": "Lỗi, để lại trên máy chủ"},
    "other": {"Service": "Khác", "RootCauseCategory": "Khác", "DocumentKind": "Khác"},
    "qa": {"Role": "Giám sát chất lượng", "TagSource": "QA"},
    "court": {"ReferralBody": "Tòa án", "EscalationCategory": "Tòa án, luật sư"},
    "regulator": {"ReferralBody": "Cơ quan quản lý", "EscalationCategory": "Cơ quan quản lý"},
}


def test_the_enums_with_labels_are_found():
    names = {e.__name__ for e in ENUMS}
    assert {"Channel", "Service", "IssueKind", "Status", "LetterKind", "ReferralBody", "SlaState",
            "RootCauseCategory", "TagSource", "CalendarMode", "Role", "Action"} <= names


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
def test_every_member_has_its_own_label(enum):
    labels = [member.label for member in enum]
    assert all(isinstance(label, str) and label.strip() for label in labels)
    assert len({fold(label) for label in labels}) == len(labels), labels   # distinct, even without accents


def test_members_sharing_a_value_across_enums_keep_their_own_labels():
    shared: dict[str, dict[str, str]] = {}
    for first, second in combinations(ENUMS, 2):
        for value in {m.value for m in first} & {m.value for m in second}:
            shared.setdefault(value, {}).update({first.__name__: first(value).label, second.__name__: second(value).label})
    assert shared == SHARED_VALUES


def test_channels_are_labelled_as_the_procedure_names_them():
    assert [c.label for c in Channel] == ["Trực tiếp", "Điện thoại", "Email / web ticket", "Bưu điện"]
    assert Service.EMAIL.label == "Email doanh nghiệp"


@pytest.mark.parametrize("enum", [e for e in ENUMS if issubclass(e, LabelledEnum)], ids=lambda e: e.__name__)
def test_parse_takes_the_code_or_the_label_with_or_without_accents(enum):
    for member in enum:
        for typed in (member.value, member.label, member.label.upper(), fold(member.label), f"  {member.label} "):
            assert enum.parse(typed) is member
    with pytest.raises(ValueError):
        enum.parse("không có")


def test_parse_does_not_read_one_enums_label_as_another_enums_member():
    with pytest.raises(ValueError):
        Channel.parse("Email doanh nghiệp")
    assert Service.parse("email doanh nghiep") is Service.EMAIL
