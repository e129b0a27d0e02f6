"""Escalation risk (R10): every category, with and without diacritics, chat spellings, negation,
and the reviewed look-alikes that are no threat."""
import pytest

from voc.plaintext import strip_diacritics
from voc.text.escalation import EscalationCategory as C, assess

THREATS = [
    ("Không xử lý tôi sẽ báo lên Bộ TT&TT", C.REGULATOR, "Bộ TT&TT"),
    ("tôi sẽ gửi đơn tới cơ quan chức năng", C.REGULATOR, "cơ quan chức năng"),
    ("Tôi sẽ phản ánh tới Cục Viễn thông", C.REGULATOR, "Cục Viễn thông"),
    ("Tôi sẽ khởi kiện công ty ra tòa án", C.COURT, "khởi kiện"),
    ("luật sư của tôi sẽ làm việc với các anh", C.COURT, "luật sư"),
    ("Tôi sẽ đăng lên facebook cho mọi người biết", C.PUBLIC, "đăng lên facebook"),
    ("sẽ bóc phốt bên này trên các hội nhóm", C.PUBLIC, "bóc phốt"),
    ("Tôi sẽ báo chí vào cuộc", C.PUBLIC, "báo chí"),
    ("Tôi sẽ hủy dịch vụ ngay hôm nay", C.CANCEL, "hủy dịch vụ"),
    ("tháng sau chuyển sang nhà cung cấp khác", C.CANCEL, "chuyển sang nhà cung cấp khác"),
    ("Công ty phải bồi thường thiệt hại cho tôi", C.COMPENSATION, "bồi thường"),
    ("yêu cầu hoàn tiền 3 tháng dịch vụ", C.COMPENSATION, "hoàn tiền"),
    ("Đề nghị đền bù thời gian gián đoạn", C.COMPENSATION, "đền bù"),
]


@pytest.mark.parametrize("text, category, words", THREATS)
def test_each_category_is_flagged_with_the_words_as_typed(text, category, words):
    found = assess(text)
    assert found.flagged and category in found.categories
    assert words in found.evidence


@pytest.mark.parametrize("text, category, words", THREATS)
def test_without_diacritics_the_same_threat_is_found(text, category, words):
    bare = strip_diacritics(text)
    found = assess(bare)
    assert category in found.categories
    assert strip_diacritics(words) in found.evidence


@pytest.mark.parametrize("text, category", [
    ("ko giai quyet thi t len fb boc phot", C.PUBLIC),
    ("e se huy dv luon", C.CANCEL),
    ("Toà án sẽ phân xử", C.COURT),                  # the old tone placement
    ("k xử lý thì kiện", C.COURT),
    ("Nếu không, tôi sẽ kiện", C.COURT),               # a condition, not a negation
    ("nếu không hoàn tiền thì đừng trách", C.COMPENSATION),
    ("tôi sẽ không dùng nữa", C.CANCEL),             # the threat is itself a negative sentence
])
def test_chat_spellings_and_conditions(text, category):
    assert category in assess(text).categories


@pytest.mark.parametrize("text", [
    "Tôi không muốn kiện, chỉ mong được xử lý",
    "toi khong muon kien",
    "chưa tính đến chuyện kiện tụng",
    "Mình không cần bồi thường, chỉ cần web chạy lại",
    "ko can hoan tien dau",
    "tôi chẳng định hủy dịch vụ",
])
def test_a_denied_threat_is_no_threat(text):
    assert not assess(text).flagged, assess(text).as_dict()


@pytest.mark.parametrize("text", [
    "Ý kiến của tôi về điều kiện hợp đồng",
    "y kien cua toi ve dieu kien hop dong",
    "Kiện hàng linh kiện đã tới, sự kiện tuần sau",
    "Tòa nhà văn phòng mất điện",
    "Nhờ bên mình sao lưu dữ liệu giúp",
    "Vì sao tôi bị hủy dịch vụ mà không báo trước",       # the company cancelled: a complaint, no threat
    "Web không vào được từ sáng, kiểm tra giúp mình",
    "Khách gọi lên báo: gói dịch vụ bị cắt bớt tính năng",          # called to report, not the press
    "Thiệt hại không nhỏ, mong bên bạn hiểu cho",                    # a loss told, no demand
    "",
])
def test_look_alikes_are_not_threats(text):
    assert not assess(text).flagged, assess(text).as_dict()


def test_a_negation_does_not_reach_past_a_clause():
    found = assess("Xin lỗi suông ư? Không! Tôi sẽ kiện")
    assert found.categories == [C.COURT]


def test_the_longest_match_is_the_evidence():
    found = assess("Tôi sẽ khởi kiện")
    assert found.evidence == ["khởi kiện"]
    assert found.as_dict() == {"flag": True, "categories": ["court"],
                               "evidence": [{"category": "court", "words": "khởi kiện"}]}


def test_a_phrase_said_twice_is_one_piece_of_evidence():
    found = assess("Cần hoàn tiền gấp, đã hứa hoàn tiền mà chưa thấy")
    assert found.evidence == ["hoàn tiền"] and len(found.hits) == 1
