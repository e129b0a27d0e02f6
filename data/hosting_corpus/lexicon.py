"""Train part only: the many short ways customers name each problem (slang, English, office words),
and how-to topics that carry a theme's words without a complaint (hard negatives). build.py puts
them in message frames of its own (FRAMES, ASKS). Written from the theme descriptions and from
how customers talk in chats and reviews, not from the held-out messages.
"""

EXPRESSIONS: dict[str, list[str]] = {
    "downtime": [
        "web không chạy nữa", "trang chủ báo lỗi 502", "vps tắt ngúm", "không kết nối được tới máy chủ", "website ngừng hoạt động", "trang web không phản hồi", "server ngừng dịch vụ", "hosting bị gián đoạn", "web mất kết nối liên tục", "khách vào web không được",
        "web tịt ngóm", "trang không lên", "web sập toàn tập", "site không truy cập nổi", "server chết",
        "máy chủ ngỏm", "web báo lỗi kết nối", "vps đơ cứng không vào được", "web offline cả buổi",
        "hosting ngừng chạy", "website không hiển thị", "trang báo 503", "web lúc được lúc mất",
        "máy chủ mất kết nối", "trang web bị gián đoạn", "vào web thấy lỗi 500", "web không load nổi",
        "site đang down", "server không phản hồi", "trang báo không thể truy cập", "web bị đứng",
        "máy chủ sập nguồn", "không mở được website", "cloud server treo cứng", "trang web trắng xóa",
        "service unavailable", "website is down", "site không vào được trên mọi trình duyệt",
    ],
    "slowness": [
        "web tải chậm kinh khủng", "server bị nghẽn", "trang chậm vào giờ cao điểm", "vps xử lý rất chậm", "website ì ạch", "load trang lâu quá", "web lag nặng", "máy chủ yếu",
        "web chậm như rùa", "trang load lâu", "web giật", "site chạy ì", "vps lag", "máy chủ quá tải",
        "tốc độ tải trang kém", "web đơ mỗi khi đông khách", "trang mở mất nửa phút", "server phản hồi chậm",
        "cpu lúc nào cũng cao", "ram đầy liên tục", "web chậm rì", "trang quay mãi mới hiện",
        "truy cập rất chậm", "độ trễ cao", "load time quá lâu", "site slow", "ping cao ngất",
        "website chạy chậm bất thường", "web khựng lại", "trang phản hồi ì ạch", "tốc độ như sên",
        "disk io yếu", "thời gian tải trang tăng gấp đôi",
    ],
    "email_delivery": [
        "mail gửi không được", "thư bị đánh dấu spam", "không nhận được thư từ khách", "email bị trả lại", "mail gửi đi báo lỗi", "hộp thư báo đầy", "thư không vào hộp thư đến",
        "mail không đi", "thư không tới người nhận", "email vào spam", "không nhận được mail",
        "thư bị trả về", "mail bị bounce", "email bị chặn", "hộp thư không nhận thư mới", "gửi thư báo lỗi",
        "mail bị dội", "thư đến chậm mấy tiếng", "email rơi vào thư rác", "smtp không gửi được",
        "outlook không gửi thư", "webmail không thấy thư", "thư gửi đi mất tích", "mail không về",
        "email bị reject", "ip mail bị blacklist", "không gửi được email cho khách", "email công ty lỗi gửi nhận",
        "thư khách gửi không tới", "imap không đồng bộ",
    ],
    "domain_dns": [
        "tên miền không vào được", "trỏ dns không ăn", "domain chưa nhận dns mới", "tên miền bị tạm ngưng", "không sửa được bản ghi dns", "tên miền chưa được chuyển về",
        "tên miền không chạy", "domain không trỏ được", "dns chưa cập nhật", "tên miền bị khóa",
        "không chuyển được tên miền", "chưa nhận mã chuyển tên miền", "bản ghi dns sửa không được",
        "domain không phân giải", "tên miền ra trang lạ", "nameserver không đổi được", "dns trỏ sai",
        "tên miền bị treo", "bản ghi mx sai", "subdomain không chạy", "record a không nhận",
        "tên miền chưa kích hoạt", "domain bị suspend", "whois sai thông tin chủ thể", "tên miền mất quyền quản lý",
        "dns lỗi servfail", "chưa mở khóa chuyển domain",
    ],
    "ssl": [
        "chứng chỉ ssl hết hạn", "web bị báo không an toàn", "lỗi chứng chỉ", "ssl bị lỗi", "https không hoạt động", "trình duyệt chặn vì chứng chỉ",
        "web báo không an toàn", "https lỗi", "ssl hết hạn", "chứng chỉ bảo mật lỗi", "trình duyệt báo không bảo mật",
        "cert không hợp lệ", "ssl không nhận", "web hiện not secure", "chứng chỉ sai tên miền", "ssl cài không lên",
        "ổ khóa bị gạch đỏ", "kết nối không riêng tư", "lỗi chứng chỉ trên điện thoại", "ssl không tự gia hạn",
        "chứng chỉ không đáng tin cậy", "lỗi mixed content", "https bị chặn", "cảnh báo bảo mật khi vào web",
    ],
    "data_loss": [
        "mất dữ liệu web", "mất hết file", "dữ liệu biến mất", "không lấy lại được dữ liệu", "bản sao lưu bị lỗi", "database bị mất",
        "mất dữ liệu", "mất hết bài viết", "database trống trơn", "file biến mất", "không khôi phục được dữ liệu",
        "backup không dùng được", "mất sạch data", "dữ liệu bị xóa", "mất đơn hàng trong database",
        "không có bản sao lưu", "dữ liệu quay về bản cũ", "ảnh bị mất hết", "thư trong hộp thư mất sạch",
        "restore thất bại", "dữ liệu bị ghi đè", "cơ sở dữ liệu bị hỏng", "mất mã nguồn web",
        "snapshot biến mất", "data không còn",
    ],
    "security": [
        "web bị tấn công", "hosting bị hack", "bị nhiễm virus", "trang bị chèn mã độc", "tài khoản bị hack", "bị tấn công từ chối dịch vụ",
        "web bị hack", "nhiễm mã độc", "bị tấn công ddos", "web bị chèn link bẩn", "bị chiếm quyền quản trị",
        "email bị gửi spam hàng loạt", "dính virus", "có shell lạ", "bị lộ mật khẩu", "web chuyển hướng sang trang cờ bạc",
        "google cảnh báo trang nguy hiểm", "có người lạ đăng nhập", "bị deface", "bị brute force",
        "tiến trình lạ ngốn cpu", "bị cài mã đào coin", "malware trên hosting", "bị giả mạo email công ty",
        "web bị xâm nhập", "bị dò quét mật khẩu",
    ],
    "control_panel": [
        "không vào được trang quản trị hosting", "cpanel báo lỗi", "bảng điều khiển không dùng được", "không đăng nhập được directadmin",
        "cpanel không vào được", "directadmin lỗi", "trang quản trị hosting báo lỗi", "plesk không đăng nhập được",
        "file manager không mở", "phpmyadmin lỗi", "panel quản lý vps treo", "không tạo được database trong panel",
        "không tạo được email trong cpanel", "bảng điều khiển báo lỗi 500", "không đổi được php trong panel",
        "cron job không chạy", "không upload được qua file manager", "panel đăng nhập bị văng",
        "không giải nén được trong trình quản lý file", "nút reboot trong trang quản lý không hoạt động",
    ],
    "migration": [
        "chuyển website chưa xong", "nâng cấp vps chưa xong", "chuyển dữ liệu lâu quá", "chuyển hosting bị mất dữ liệu", "nâng gói rồi mà chưa thay đổi",
        "chuyển hosting chưa xong", "chuyển dữ liệu bị lỗi", "nâng cấp gói chưa được áp dụng", "migrate web lỗi",
        "chuyển sang vps mới thiếu dữ liệu", "upgrade xong cấu hình vẫn cũ", "hạ gói không được", "chuyển nhà bị treo",
        "chuyển web từ nhà cung cấp cũ lâu quá", "chuyển email sang máy chủ mới mất thư", "nâng ram chưa được",
        "chuyển server xong web lỗi", "đổi gói dịch vụ chưa thực hiện", "chuyển website làm hỏng link",
    ],
    "resource_limits": [
        "hosting hết dung lượng", "băng thông vượt giới hạn", "bị khóa do vượt tài nguyên", "dung lượng lưu trữ đầy",
        "hết dung lượng", "vượt băng thông", "hosting bị khóa vì quá tài nguyên", "vượt inode",
        "báo resource limit", "lỗi 508", "ổ đĩa đầy", "quota hết", "bị giới hạn cpu", "bị giới hạn tiến trình",
        "hộp thư đầy dung lượng", "hết băng thông giữa tháng", "bị bóp tài nguyên", "disk full",
        "vượt hạn mức lưu trữ", "entry process bị giới hạn",
    ],
    "account_access": [
        "không vào được tài khoản", "tài khoản khách hàng bị khóa", "không lấy lại được mật khẩu", "không nhận được mã xác minh",
        "không đăng nhập được tài khoản", "quên mật khẩu không lấy lại được", "tài khoản bị khóa",
        "không nhận được otp", "không vào được trang khách hàng", "tài khoản bị vô hiệu hóa",
        "đổi email tài khoản không được", "xác minh tài khoản mãi không xong", "bị đăng xuất liên tục",
        "reset mật khẩu không có mail", "mất quyền truy cập tài khoản", "client area không vào được",
        "không đổi được chủ tài khoản", "mã xác thực không về",
    ],
    "billing": [
        "bị trừ tiền oan", "tính cước sai", "hóa đơn ghi sai thông tin", "thu tiền không đúng", "bị tính phí hai lần",
        "bị trừ tiền hai lần", "tính tiền sai", "hóa đơn sai", "chưa nhận hóa đơn vat", "phí phát sinh không báo",
        "giá cao hơn báo giá", "thanh toán rồi mà báo chưa", "bị thu thêm tiền", "cước tháng này tăng vô lý",
        "bị charge nhầm", "tiền bị trừ cho dịch vụ không dùng", "hóa đơn điện tử ghi sai mã số thuế",
        "chuyển khoản không được ghi nhận", "tính phí vượt mức", "thu tiền sai gói",
    ],
    "renewal": [
        "dịch vụ hết hạn mà không được báo", "gia hạn xong vẫn bị ngưng", "bị gia hạn tự động", "gia hạn không thành công",
        "hết hạn không báo", "gia hạn rồi vẫn bị khóa", "tự động gia hạn ngoài ý muốn", "không gia hạn được",
        "chưa hết hạn đã bị ngưng", "ngày hết hạn không cập nhật", "quá hạn bị xóa dịch vụ", "không có email nhắc gia hạn",
        "gia hạn xong vẫn báo hết hạn", "dịch vụ bị tạm ngưng vì quá hạn", "auto renew trừ tiền", "bấm gia hạn báo lỗi",
        "tên miền hết hạn mà không ai nhắc",
    ],
    "refund": [
        "chưa nhận được tiền hoàn", "đợi hoàn tiền mãi", "không được hoàn tiền", "yêu cầu hoàn tiền bị bỏ qua",
        "chưa được hoàn tiền", "hoàn tiền chậm", "bị từ chối hoàn tiền", "hoàn thiếu tiền", "refund chưa về",
        "hủy dịch vụ chưa trả tiền lại", "yêu cầu hoàn phí chưa xử lý", "tiền hoàn chưa vào tài khoản",
        "hứa hoàn tiền rồi im", "đòi lại tiền không được", "hoàn tiền bị trừ phí vô lý",
    ],
    "contract": [
        "không làm đúng hợp đồng", "bồi thường không như cam kết", "điều khoản hợp đồng không rõ ràng", "bị chấm dứt hợp đồng vô lý",
        "không bồi thường theo sla", "hợp đồng khác lúc tư vấn", "tự ý đổi chính sách", "đơn phương chấm dứt hợp đồng",
        "điều khoản bất lợi cho khách", "cam kết uptime không được thực hiện", "hợp đồng ghi sai thời hạn",
        "không áp dụng điều khoản bồi thường", "chính sách thay đổi không báo trước", "vi phạm cam kết hợp đồng",
        "phụ lục hợp đồng sai",
    ],
    "support_responsiveness": [
        "gọi mãi không được", "hỗ trợ không phản hồi", "chờ hỗ trợ quá lâu", "không ai hỗ trợ", "liên hệ mãi không được",
        "không ai nghe máy", "ticket không ai trả lời", "hỗ trợ chậm", "chờ phản hồi cả ngày", "hẹn gọi lại rồi im",
        "hotline không liên lạc được", "nhắn tin không ai rep", "email hỗ trợ không phản hồi", "chat chờ mãi",
        "yêu cầu bị bỏ lửng", "gọi tổng đài đổ chuông mãi", "chỉ nhận được trả lời tự động", "không ai liên hệ lại",
        "support im lặng", "no reply", "hỗ trợ 24/7 mà đêm không ai trực",
    ],
    "staff_attitude": [
        "nhân viên thô lỗ", "nhân viên thiếu lịch sự", "thái độ rất tệ", "nhân viên quát khách",
        "nhân viên thái độ", "nói chuyện cộc lốc", "cáu gắt với khách", "thiếu tôn trọng khách hàng", "đùn đẩy trách nhiệm",
        "ngắt máy ngang", "mỉa mai khách", "trả lời trống không", "lớn tiếng với khách", "coi thường khách",
        "nhân viên hỗn", "thái độ phục vụ kém", "đổ lỗi cho khách", "nhân viên khó chịu ra mặt",
    ],
    "technical_competence": [
        "kỹ thuật xử lý kém", "sửa rồi mà vẫn lỗi", "kỹ thuật không biết sửa", "lỗi lặp lại sau khi sửa",
        "sửa không dứt điểm", "lỗi cũ quay lại", "kỹ thuật hướng dẫn sai", "không tìm ra nguyên nhân",
        "sửa lỗi này sinh lỗi khác", "đóng ticket khi chưa xong", "kỹ thuật làm sai cấu hình", "xử lý mãi không xong",
        "kỹ thuật không hiểu vấn đề", "báo đã fix mà vẫn lỗi", "kỹ thuật đoán mò", "xử lý qua loa",
        "kỹ thuật đổ cho code của khách", "chuyên môn kỹ thuật yếu",
    ],
}

# Message frames for a problem expression {x} (and a second one {y} in TWO). Any voice: chat,
# letter, review, with order numbers and domains.
FRAMES = [
    "{x}", "{x} ad ơi", "{x}, xử lý giúp mình với", "sao {x} vậy", "{x} từ sáng giờ", "lại {x} nữa rồi",
    "Chào bạn, {x}, mã dịch vụ HS-{n}", "Alo, bên mình {x}", "Kính gửi quý công ty, {x}, đề nghị xử lý sớm.",
    "Review: {x}, thất vọng", "Em ơi {x}, check giúp anh", "Gấp: {x}!!!", "{x}, mất khách quá",
    "Web {d} {x}, kiểm tra giúp", "Dùng dịch vụ bên bạn mà {x}, bực mình ghê", "Hi team, {x}, pls check",
    "Tôi phản ánh: {x}.", "Cho mình báo lỗi: {x}", "{x}. Đơn hàng #{n}", "Từ hôm qua {x}, ai xử lý giúp",
    "Khách hàng của tôi kêu {x}", "{x} mà chưa ai giải quyết", "Mình dùng {p} bên bạn, {x}",
]
TWO = ["{x}, lại còn {y}", "{x} và {y}", "{x}. Thêm nữa {y}", "vừa {x} vừa {y}", "{x}, mà {y}"]
DOMAINS = ["abc.vn", "shopthoitrang.com", "noithatxanh.vn", "tintuc.net", "congtyminhphat.com.vn", "hoclaptrinh.io"]

# How-to and pre-sales topics carrying a theme's words (non-complaints).
TOPICS = [
    "gia hạn tên miền", "cài SSL", "trỏ tên miền về hosting", "sao lưu dữ liệu", "khôi phục bản backup",
    "đổi mật khẩu email", "tạo database", "nâng cấp gói hosting", "chuyển hosting sang bên bạn", "hoàn tiền khi hủy",
    "xuất hóa đơn VAT", "thanh toán bằng thẻ", "tăng dung lượng hosting", "cấu hình mail trên điện thoại",
    "đăng nhập cPanel", "bật xác thực hai lớp", "chống DDoS", "quét mã độc cho web", "cài WordPress",
    "đổi nameserver", "thêm bản ghi MX", "mua thêm băng thông", "ký hợp đồng dịch vụ", "điều khoản SLA",
    "liên hệ hỗ trợ ngoài giờ", "tăng RAM cho VPS", "tạo subdomain", "đổi chủ thể tên miền", "tự động gia hạn",
]
ASKS = [
    "cho mình hỏi {t} thế nào", "hướng dẫn mình {t} với", "{t} có mất phí không ạ", "làm sao để {t} vậy ad",
    "bên bạn có hỗ trợ {t} không", "muốn {t} thì làm sao", "cho em hỏi thủ tục {t}", "{t} mất bao lâu vậy bạn",
    "tư vấn giúp mình về {t}", "cảm ơn bạn đã hướng dẫn {t}", "đã {t} xong, cảm ơn team", "nhờ bạn {t} giúp mình, cảm ơn nhiều",
    "Kính gửi quý công ty, chúng tôi muốn tìm hiểu về {t}.", "Hi, how to {t}? cảm ơn", "mình cần {t}, báo giá giúp",
]
# Praise and thanks that name what went well (non-complaints with a theme's words).
PRAISED = ["tốc độ xử lý", "tốc độ web", "tốc độ hỗ trợ", "thái độ nhân viên", "bạn kỹ thuật", "việc hoàn tiền",
           "việc chuyển dữ liệu", "tổng đài", "chứng chỉ SSL bên bạn", "máy chủ mới", "gói VPS", "email doanh nghiệp",
           "hóa đơn", "bảng điều khiển", "bản sao lưu", "việc gia hạn"]
PRAISES = ["rất hài lòng với {a}", "{a} quá tốt, cảm ơn", "khen {a}, rất nhanh", "cảm ơn, {a} ổn rồi",
           "{a} rất chuyên nghiệp", "5 sao cho {a}", "{a} ok lắm, sẽ giới thiệu bạn bè", "thanks, {a} tốt hơn hẳn"]
