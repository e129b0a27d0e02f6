"""The reply checker on good and bad Vietnamese replies, accented and unaccented."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from voc.text import reply_check
from voc.model import Case, Channel, Customer, IssueKind, Service, Status
from voc.text.reply_check import check_reply, default_template_texts
from voc.plaintext import strip_diacritics

BOTH_BACKENDS = True     # the `db` tests run on DuckDB and on PostgreSQL (tests/conftest.py)

GOOD = (
    "Kính gửi anh An,\n"
    "Công ty xin chân thành cảm ơn anh đã phản ánh việc website bị gián đoạn sáng thứ Bảy. "
    "Chúng tôi xin lỗi và nhận trách nhiệm: ổ đĩa máy chủ hỏng lúc 06:10 và việc chuyển sang máy dự phòng bị chậm. "
    "Website đã hoạt động lại lúc 09:30 cùng ngày. "
    "Chúng tôi sẽ cộng thêm một tháng sử dụng miễn phí vào gói của anh trước ngày 30/11 "
    "và bổ sung cảnh báo tự động để sự cố được phát hiện trong 5 phút.\n"
    "Trân trọng."
)
BAD = (
    "Kính gửi Quý khách. Sự cố vừa qua là do lỗi khách quan từ nhà cung cấp điện. "
    "Đây không phải lỗi của chúng tôi. Chúng tôi sẽ xem xét."
)
OPENED = datetime(2026, 11, 23, 2, 10, tzinfo=timezone.utc)


def make_case(**changes) -> Case:
    case = Case(1, "KN-2026-000001", OPENED, Channel.EMAIL, IssueKind.QUALITY, Service.HOSTING,
                Customer("An"), None, "Web sập", "Khôi phục", Status.VERIFYING, 1, OPENED,
                OPENED + timedelta(hours=48), OPENED + timedelta(days=20))
    return replace(case, **changes)


def test_good_reply_scores_100():
    result = check_reply(GOOD)
    assert result.findings == []
    assert result.score == 100


@pytest.mark.parametrize("text", [BAD, strip_diacritics(BAD), BAD.upper()])
def test_excuses_found_accented_and_unaccented(text):
    result = check_reply(text)
    excuses = [f for f in result.findings if f.code == "excuse"]
    assert len(excuses) == 2
    assert "lỗi khách quan" in excuses[0].message_vi
    assert excuses[0].sentence.lower().startswith(text.split(". ")[1][:10].lower())
    assert excuses[1].sentence.lower().startswith(("đây", "day"))
    assert {"no_thanks", "no_plan_time"} <= set(result.codes)
    assert result.score < 40


@pytest.mark.parametrize("phrase", ["do bên thứ ba", "do khách hàng", "bất khả kháng", "không phải lỗi của chúng tôi"])
def test_each_excuse_phrase(phrase):
    text = GOOD.replace("Website đã hoạt động lại", f"Sự cố xảy ra {phrase}. Website đã hoạt động lại")
    assert [f.code for f in check_reply(text).findings] == ["excuse"]
    assert [f.code for f in check_reply(strip_diacritics(text)).findings] == ["excuse"]


@pytest.mark.parametrize("thanks", ["cảm ơn", "cám ơn", "cam on", "CÁM ƠN"])
def test_thanks_in_any_spelling(thanks):
    assert "no_thanks" not in check_reply(GOOD.replace("cảm ơn", thanks)).codes


def test_missing_thanks_is_found():
    result = check_reply(GOOD.replace("xin chân thành cảm ơn anh đã phản ánh", "đã nhận phản ánh"))
    assert result.codes == ["no_thanks"]
    assert result.score == 90


@pytest.mark.parametrize("when", ["trước ngày 30/11", "trong 24 giờ", "trước 17h", "trong vòng 3 ngày",
                                  "truoc 17h30", "trước thứ Sáu", "vào 14:00 ngày mai"])
def test_time_expressions_count_as_a_plan(when):
    text = ("Chúng tôi cảm ơn Quý khách và xin lỗi vì sự bất tiện. "
            f"Chúng tôi sẽ hoàn tất việc khôi phục dữ liệu {when}.")
    assert "no_plan_time" not in check_reply(text).codes


def test_no_time_means_no_concrete_plan():
    text = "Chúng tôi cảm ơn Quý khách và xin lỗi vì sự bất tiện. Chúng tôi sẽ sớm khắc phục."
    result = check_reply(text)
    assert result.codes == ["no_plan_time"]
    assert "thời hạn" in result.findings[0].message_vi


def test_too_long_reports_word_count_and_threshold():
    long_text = GOOD + " Chúng tôi luôn lắng nghe." * 100
    result = check_reply(long_text)
    assert "too_long" in result.codes
    finding = next(f for f in result.findings if f.code == "too_long")
    assert str(reply_check.MAX_WORDS) in finding.message_vi and str(result.word_count) in finding.message_vi


def test_late_against_the_48_hour_clock():
    case = make_case()
    on_time = check_reply(GOOD, case=case, issued_at=OPENED + timedelta(hours=47))
    late = check_reply(GOOD, case=case, issued_at=OPENED + timedelta(hours=50, minutes=30))
    assert "late" not in on_time.codes
    assert late.codes == ["late"]
    assert "2,5 giờ" in late.findings[0].message_vi
    # without issued_at the check is "if issued now"
    assert "late" in check_reply(GOOD, case=case).codes


def test_unchanged_template_is_generic():
    template = default_template_texts()[0]
    result = check_reply(template)
    assert "generic_template" in result.codes
    finding = next(f for f in result.findings if f.code == "generic_template")
    assert "ngưỡng 75%" in finding.message_vi
    assert result.template_similarity >= reply_check.TEMPLATE_THRESHOLD
    assert check_reply(GOOD).template_similarity < reply_check.TEMPLATE_THRESHOLD


def test_template_similarity_holds_without_accents():
    template = default_template_texts()[0]
    assert "generic_template" in check_reply(strip_diacritics(template)).codes


def test_copied_from_another_reply():
    other = GOOD.replace("anh An", "chị Hoa")
    result = check_reply(GOOD, other_replies=[other, "Một thư khác hoàn toàn."])
    assert "copied_reply" in result.codes
    assert result.reply_similarity > 0.9
    assert "copied_reply" not in check_reply(GOOD, other_replies=[BAD]).codes


def test_custom_templates_replace_the_default():
    assert "generic_template" in check_reply(GOOD, template_texts=[GOOD]).codes


def test_unfilled_template_slot_points_at_its_sentence():
    text = GOOD + "\nNguyên nhân: [nêu rõ nguyên nhân đã xác minh]."
    finding = next(f for f in check_reply(text).findings if f.code == "placeholder")
    assert finding.sentence == "Nguyên nhân: [nêu rõ nguyên nhân đã xác minh]."


def test_empty_reply():
    result = check_reply("  ")
    assert result.score == 0 and result.codes == ["empty"]


def test_score_is_bounded():
    worst = (BAD + " Do bên thứ ba. Do khách hàng. Bất khả kháng. [nêu]. ") * 10
    assert check_reply(worst).score == 0
