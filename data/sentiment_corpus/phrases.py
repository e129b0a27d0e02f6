"""Hand-written phrase pools of the sentiment corpus (see build.py). The train and held-out parts
use disjoint pools. Written for a hosting company's customers, in everyday Vietnamese that is not
particular to hosting (praise and blame of staff, speed, price, reliability), so that a model
trained on it carries over to other services."""
from __future__ import annotations

# Praise, satisfaction, recommendation: positive.
PRAISE: dict[str, list[str]] = {
    "train": [
        "dịch vụ rất tốt", "nhân viên nhiệt tình, chu đáo", "hỗ trợ nhanh và chuyên nghiệp", "mình rất hài lòng",
        "giá cả hợp lý, chất lượng ổn định", "tốc độ nhanh hơn hẳn chỗ cũ", "sẽ giới thiệu cho bạn bè",
        "tuyệt vời, đúng như quảng cáo", "tư vấn dễ hiểu, thân thiện", "dùng mấy năm rồi chưa gặp sự cố nào",
        "phục vụ tận tình, cảm ơn nhiều", "ưng ý lắm", "xử lý rất nhanh, 10 điểm", "web chạy mượt, ổn định",
        "thủ tục đơn giản, nhanh gọn", "chất lượng xứng đáng với giá tiền", "nhân viên lịch sự, kiên nhẫn",
        "rất đáng tin cậy", "quá ổn luôn", "mình thích cách các bạn làm việc", "hỗ trợ 24/7 thật sự, rất yên tâm",
        "giao diện quản lý dễ dùng", "tiện lợi, nhanh chóng", "được hỗ trợ ngay trong đêm, quá tuyệt",
        "uy tín, sẽ tiếp tục gắn bó lâu dài", "khuyến mãi hấp dẫn, mình đã đăng ký thêm", "chăm sóc khách hàng chu đáo",
        "mọi thứ đều hoàn hảo", "đội kỹ thuật giỏi, giải quyết gọn gàng", "rất hài lòng với chất lượng dịch vụ",
        "vượt mong đợi", "đánh giá 5 sao", "like mạnh cho bên bạn", "chuyên nghiệp từ khâu tư vấn đến hậu mãi",
        "tin tưởng tuyệt đối", "ổn áp lắm", "xịn thật sự",
    ],
    "heldout": [
        "dịch vụ quá tốt", "bạn tư vấn rất có tâm", "phản hồi nhanh bất ngờ", "cực kỳ hài lòng",
        "giá rẻ mà chất lượng", "mạnh và ổn định", "đáng đồng tiền bát gạo", "sẽ ủng hộ dài dài",
        "nhân viên dễ thương, nhiệt tình", "làm việc chuyên nghiệp, đúng hẹn", "yên tâm giao việc cho các bạn",
        "tuyệt quá, cảm ơn team", "mình rất ấn tượng", "thật sự tốt hơn mong đợi", "hỗ trợ tận tâm, giải thích kỹ",
        "trải nghiệm rất tốt", "nhanh, gọn, lẹ", "chất lượng tuyệt hảo", "xin khen ngợi bạn kỹ thuật",
        "recommend cho mọi người", "xuất sắc", "hài lòng 100%",
    ],
}

# A problem now solved, with thanks: positive.
RESOLVED: dict[str, list[str]] = {
    "train": [
        "lỗi đã được khắc phục, cảm ơn bên mình", "web đã chạy lại bình thường, cảm ơn nhé",
        "đã nhận được tiền hoàn, cảm ơn", "vấn đề xử lý xong rồi, rất nhanh", "mail đã nhận lại bình thường, cảm ơn",
        "cảm ơn bạn đã kiên nhẫn hướng dẫn, giờ đã vào được", "đã ổn rồi ạ, cảm ơn nhiều",
    ],
    "heldout": [
        "mọi thứ đã ổn định trở lại, thanks", "sự cố được giải quyết trong 15 phút, quá nhanh",
        "đã truy cập được rồi, cảm ơn anh kỹ thuật", "tiền đã về tài khoản, cảm ơn bên mình",
    ],
}

# Blame and feelings: negative (added to a complaint, or on their own).
FEELINGS: dict[str, list[str]] = {
    "train": [
        "quá tệ", "thất vọng vô cùng", "rất bức xúc", "làm ăn kiểu gì vậy", "chán thật sự", "dịch vụ kém",
        "không thể chấp nhận được", "phục vụ tồi", "hết chịu nổi", "bực mình quá", "nói một đằng làm một nẻo",
        "thái độ quá tệ", "chậm như rùa", "mất uy tín", "tiền mất tật mang", "lừa đảo khách hàng",
        "không chuyên nghiệp chút nào", "hứa hẹn suông", "khó chịu lắm", "tệ nhất từng dùng", "không đáng tiền",
        "rất không hài lòng", "quá thất vọng", "làm việc cẩu thả", "vô trách nhiệm", "không ai quan tâm",
        "gọi mãi không ai nghe", "chờ mỏi mòn", "đừng ai dùng", "phí tiền", "kém cỏi", "rất tức",
    ],
    "heldout": [
        "tệ hại", "chán nản quá", "quá đáng lắm rồi", "không thể tin nổi", "dở tệ", "thật đáng thất vọng",
        "cực kỳ bực bội", "thái độ lồi lõm", "ẩu quá", "làm ăn thiếu trách nhiệm", "chất lượng đi xuống",
        "đợi dài cổ", "không ra gì", "hãm thật", "không đáng tin", "mất thời gian vô ích", "chán ngán",
        "bố láo", "coi thường khách hàng", "quá tồi tệ",
    ],
}

# A positive word negated: negative ("không tốt", "chưa hài lòng").
NEGATED_POSITIVE: dict[str, list[str]] = {
    "train": ["không tốt chút nào", "chưa hài lòng", "không nhanh như quảng cáo", "chẳng chuyên nghiệp gì cả",
              "không ổn định", "không hề nhiệt tình", "chưa bao giờ thấy hỗ trợ nhanh"],
    "heldout": ["không ổn tí nào", "chẳng hài lòng chút nào", "không được như mong đợi", "không đáng tin cậy"],
}

# A negative word negated: positive ("không có gì phàn nàn").
NEGATED_NEGATIVE: dict[str, list[str]] = {
    "train": ["không có gì để chê", "chưa gặp lỗi nào", "không phải chờ lâu", "không hề chậm", "chẳng có gì phải phàn nàn"],
    "heldout": ["không chê vào đâu được", "không thấy lỗi gì", "chưa bao giờ bị gián đoạn"],
}

# Statements and requests without feeling: neutral.
NEUTRAL: dict[str, list[str]] = {
    "train": [
        "mình gửi lại thông tin tài khoản như bên bạn yêu cầu", "cho mình hỏi giờ làm việc", "mình cần xuất hóa đơn",
        "vui lòng gửi báo giá", "mình đã chuyển khoản, nhờ kiểm tra", "xin số điện thoại bộ phận kỹ thuật",
        "mình muốn đổi thông tin liên hệ", "hôm nay mình bận, mai mình gọi lại", "gửi bạn ảnh chụp màn hình",
        "mã đơn hàng của mình đây", "mình sẽ thử lại và báo bạn", "nhờ bạn gọi lại sau 3 giờ chiều",
        "mình đang xem xét gói phù hợp", "đây là địa chỉ email mới", "tài khoản đăng ký dưới tên công ty",
        "mình đọc hướng dẫn rồi", "để mình hỏi lại sếp", "có chi nhánh ở Đà Nẵng không",
    ],
    "heldout": [
        "mình gửi kèm hợp đồng", "cho mình xin mẫu đơn", "tuần sau mình gia hạn", "thông tin xuất hóa đơn như sau",
        "mình muốn hỏi về thủ tục", "bạn gọi vào số này giúp mình", "mình đã nhận được mail", "nhờ chuyển cho bộ phận kế toán",
        "mình cần biết thời gian xử lý", "lát nữa mình gửi file",
    ],
}
