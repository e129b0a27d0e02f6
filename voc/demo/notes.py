"""What staff write in the demo's records: reasons for accepting a late complaint, follow-up notes,
and the note that labels every demo case. They go into audit JSON by SQL concatenation."""
from __future__ import annotations


LATE_REASONS = (
    "Khách hàng công tác ở nước ngoài, không liên hệ được trong thời hạn",
    "Khách hàng mới phát hiện sai sót khi đối soát hóa đơn cuối năm",
    "Khách hàng đã phản ánh qua điện thoại trước đó nhưng chưa được ghi nhận",
    "Khách hàng nằm viện trong thời gian dài",
    "Trưởng chi nhánh đồng ý tiếp nhận do sự cố kéo dài nhiều lần",
    "Đơn gửi qua bưu điện lần trước bị thất lạc, khách hàng gửi lại",
    "Khách hàng là doanh nghiệp lâu năm, tiếp nhận để giữ quan hệ",
)

FOLLOWUP_NOTES = {
    5: ("Khách hàng rất hài lòng, cảm ơn nhân viên hỗ trợ nhiệt tình.", "Khách hàng hài lòng với cách xử lý."),
    4: ("Khách hàng hài lòng, góp ý thời gian phản hồi cần nhanh hơn.", "Dịch vụ ổn định lại, khách hàng đồng ý."),
    3: ("Khách hàng tạm chấp nhận kết quả.", "Khách hàng mong được thông báo sớm hơn khi có sự cố."),
    2: ("Khách hàng chưa hài lòng vì phải chờ lâu.", "Khách hàng cho rằng phương án bồi hoàn chưa thỏa đáng."),
    1: ("Khách hàng không hài lòng, cân nhắc chuyển nhà cung cấp.",
        "Khách hàng không nghe máy lần đầu, gọi lại vẫn phàn nàn."),
}
NOTE_DEMO = "Dữ liệu mẫu (demo)"


def _check_json_safe() -> None:
    """Texts that go into audit JSON by SQL concatenation must not need escaping."""
    for text in (*LATE_REASONS, *(n for notes in FOLLOWUP_NOTES.values() for n in notes), NOTE_DEMO):
        if any(ch in text for ch in '"\\\n'):
            raise ValueError(text)


_check_json_safe()

