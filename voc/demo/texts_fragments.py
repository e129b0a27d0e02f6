"""Fragments of the demo's customer texts that fit every theme: service names, durations, sites,
impacts, gripes, emotions, openers, closings and request phrasing (Vietnamese)."""
from __future__ import annotations

from voc.model import Service

# --- services as customers name them ------------------------------------------------------------

SERVICE_WORDS: dict[Service, tuple[str, ...]] = {
    Service.HOSTING: ("hosting", "host", "gói hosting", "web", "website", "trang web"),
    Service.VPS: ("VPS", "con VPS", "server VPS", "máy chủ ảo", "vps"),
    Service.DOMAIN: ("tên miền", "domain", "tên miền .vn", "domain .com"),
    Service.EMAIL: ("email", "mail công ty", "email doanh nghiệp", "hộp thư", "mail server"),
    Service.SSL: ("SSL", "chứng chỉ SSL", "https", "cert SSL"),
    Service.CLOUD: ("cloud server", "máy chủ cloud", "server cloud", "cloud"),
    Service.OTHER: ("dịch vụ", "tài khoản", "gói dịch vụ"),
}

DURATIONS = (
    "từ sáng đến giờ", "từ tối qua", "2 ngày nay", "mấy hôm nay", "cả tuần nay", "từ hôm qua",
    "hơn 3 tiếng", "từ 8h sáng", "từ đêm qua", "liên tục mấy ngày", "từ thứ 7 tuần trước", "hơn 1 tuần",
    "gần 2 tiếng", "từ chiều qua", "suốt cả buổi sáng",
)

SITES = (
    "shopthoitrang.vn", "nhakhoasaigon.com", "noithatminhphat.vn", "dulichbienxanh.com", "giasuhanoi.edu.vn",
    "thucphamsach24h.vn", "anphatgroup.com.vn", "spahoamai.vn", "xaydunghoabinh.vn", "phukienmobile.vn",
    "banhngotngon.com", "luatsudonga.vn", "oto-daiviet.com", "hocvienanhngu.edu.vn", "cafesaomai.vn",
    "nongsanvietxanh.com", "inanthanhcong.vn", "baohiemphuthinh.vn", "dienmaytanphat.com", "mypham-thienan.vn",
)

# --- generic fragments --------------------------------------------------------------------------

IMPACTS = (
    "khách hàng của mình không đặt hàng được", "mất rất nhiều đơn hàng",
    "ảnh hưởng nghiêm trọng đến uy tín công ty",
    "đang chạy quảng cáo Facebook mà web không vào được, mất tiền quảng cáo oan",
    "cả công ty không làm việc được", "sếp mắng quá trời", "anh em trong công ty không làm được gì",
    "thiệt hại không nhỏ", "khách hàng liên tục gọi điện phàn nàn", "đang mùa cao điểm bán hàng",
    "ảnh hưởng đến công việc kinh doanh", "mình không biết trả lời khách như thế nào",
)
SUPPORT_GRIPES = (
    "gọi hotline không ai nghe máy", "gửi ticket mà chưa ai trả lời", "nhắn tin fanpage thì chỉ có tin nhắn tự động",
    "hỏi kỹ thuật thì cứ bảo đang kiểm tra", "gọi điện thoại mấy lần đều bảo chờ",
)
EMOTIONS = (
    "rất bức xúc", "thật sự quá thất vọng", "không thể chấp nhận được", "làm ăn kiểu gì vậy",
    "chán quá", "mình dùng dịch vụ bên bạn 5 năm rồi mà giờ như vậy",
    "nếu không giải quyết mình sẽ chuyển nhà cung cấp khác", "mong bên bạn hiểu cho", "giờ phải làm gì đây",
)
CLOSINGS = (
    "mong bên bạn xử lý sớm", "đề nghị kiểm tra và phản hồi gấp", "cảm ơn", "mong nhận được phản hồi sớm",
    "xin cảm ơn", "bên bạn xử lý như thế nào thì trả lời mình nhé", "anh em kỹ thuật xem giúp mình với",
)
OPENERS = {
    "in_person": ("Khách hàng đến trực tiếp phản ánh:", "Khách hàng trình bày:", "KH đến quầy phản ánh:",
                  "Khách hàng đến chi nhánh, trình bày như sau:"),
    "hotline": ("KH gọi hotline phản ánh:", "KH báo:", "Khách gọi lên báo:", "KH phản ánh qua tổng đài:",
                "KH gọi lần 2 về việc này:"),
    "email": ("Chào bên hỗ trợ,", "Xin chào,", "Kính gửi bộ phận CSKH,", "Hi support,", "Chào ad,", "Gửi BKNS,"),
    "post": ("Kính gửi: Bộ phận Chăm sóc khách hàng.",
             "Kính gửi Quý công ty, tôi là khách hàng đang sử dụng dịch vụ của Quý công ty."),
}
POST_CLOSINGS = ("Kính đề nghị Quý công ty xem xét, giải quyết.", "Trân trọng.",
                 "Tôi xin cam đoan nội dung trên là đúng sự thật. Trân trọng.")
REQUEST_PREFIXES = ("đề nghị bên bạn", "yêu cầu", "mong bên bạn", "xin", "khách hàng yêu cầu", "đề nghị công ty",
                    "cần")
REQUEST_SUFFIXES = ("", "", "", "càng sớm càng tốt", "trong hôm nay", "trong 24h", "trước cuối tuần", "gấp")
