"""The demo's letters: reply letters and invitations to a meeting, as staff wrote them."""
from __future__ import annotations

LETTER_OPENINGS = (
    "{short} xin chân thành cảm ơn Quý khách đã dành thời gian phản ánh về dịch vụ {service} (hồ sơ {ticket}).",
    "Cảm ơn Quý khách đã liên hệ và phản ánh về {theme} đối với dịch vụ {service} (hồ sơ {ticket}).",
    "{short} đã nhận được phản ánh của Quý khách về {theme} (hồ sơ {ticket}) và xin cảm ơn Quý khách đã thông "
        "báo kịp thời.",
    "Trước hết, chúng tôi thành thật xin lỗi Quý khách vì sự cố {theme} đã gây ảnh hưởng đến công việc của "
        "Quý khách (hồ sơ {ticket}).",
)
LETTER_EXCUSES = (
    "Sự việc xảy ra do lỗi khách quan từ đơn vị cung cấp đường truyền.",
    "Đây là trường hợp bất khả kháng, nằm ngoài tầm kiểm soát của chúng tôi.",
    "Sự cố phát sinh một phần do cấu hình phía Quý khách.",
)
LETTER_PLANS = (
    "Chúng tôi sẽ tiếp tục theo dõi và gửi báo cáo kết quả cho Quý khách trước ngày {deadline}.",
    "Bộ phận kỹ thuật sẽ hoàn tất kiểm tra toàn bộ hệ thống và thông báo cho Quý khách trong vòng 3 ngày.",
    "Chúng tôi sẽ liên hệ lại Quý khách trước 17h ngày {deadline} để xác nhận kết quả.",
)
LETTER_VAGUE_PLANS = (
    "Chúng tôi sẽ tiếp tục theo dõi và cải thiện chất lượng dịch vụ.",
    "Bộ phận kỹ thuật sẽ kiểm tra thêm khi có điều kiện.",
)
LETTER_OWNERSHIP = (
    "Chúng tôi nhận trách nhiệm về sự bất tiện Quý khách đã gặp.",
    "Chúng tôi rất tiếc về trải nghiệm chưa tốt của Quý khách và xin lỗi Quý khách.",
)
LETTER_CLOSINGS = (
    "Nếu cần trao đổi thêm, Quý khách vui lòng liên hệ hotline {hotline}. Trân trọng cảm ơn Quý khách.",
    "Một lần nữa, cảm ơn Quý khách đã tin dùng dịch vụ và dành thời gian góp ý cho chúng tôi.",
    "Trân trọng.",
)
ROUND2_LINE = ("Sau khi nhận được ý kiến chưa đồng ý của Quý khách, chúng tôi đã xem xét lại toàn bộ hồ sơ "
               "và đề xuất phương án giải quyết lần 2 như sau.")
