"""The people of the demo history: customers' names and addresses, branches and their staff."""
from __future__ import annotations

from dataclasses import dataclass, field

SURNAMES = (
    ("Nguyễn", 31), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4), ("Phan", 4.5),
    ("Vũ", 4), ("Võ", 4), ("Đặng", 2.5), ("Bùi", 2.5), ("Đỗ", 2.5), ("Hồ", 2), ("Ngô", 2), ("Dương", 1.5),
    ("Lý", 1), ("Đinh", 1.2), ("Trương", 1.2), ("Mai", 0.8), ("Lương", 0.6), ("Cao", 0.6), ("Tạ", 0.4),
    ("Đào", 0.8), ("Hà", 0.8), ("Trịnh", 0.8), ("Lâm", 0.5), ("Phùng", 0.4), ("Kiều", 0.3),
)
MIDDLE_MALE = ("Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Xuân", "Hoàng", "Gia", "Tuấn", "Ngọc",
               "Anh", "Đình", "Quang", "Trung")
MIDDLE_FEMALE = ("Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Phương", "Hoài", "Bảo", "Mai", "Thùy", "Diệu",
                 "Khánh", "Hồng", "Lan")
GIVEN_MALE = ("Anh", "Tuấn", "Hùng", "Dũng", "Minh", "Nam", "Long", "Hải", "Sơn", "Thắng", "Cường", "Phong",
              "Quân", "Khoa", "Huy", "Đức", "Trung", "Hiếu", "Tùng", "Vinh", "Phúc", "Bảo", "Khang", "Lâm",
              "Toàn", "Nghĩa", "Hưng", "Tài", "Thịnh", "Đạt", "Kiên", "Trí")
GIVEN_FEMALE = ("Lan", "Hương", "Hoa", "Mai", "Linh", "Trang", "Thảo", "Ngọc", "Hà", "Hằng", "Nhung", "Yến",
                "Vy", "Nhi", "Anh", "Phương", "Thủy", "Quỳnh", "Giang", "Hạnh", "Loan", "Tâm", "Uyên", "Trâm",
                "Duyên", "Hiền", "My", "Ngân", "Thư", "Châu")
COMPANY_FORMS = ("Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Hộ kinh doanh")
COMPANY_TRADES = ("Thương mại", "Thương mại Dịch vụ", "Công nghệ", "Giải pháp Phần mềm", "Xây dựng", "Du lịch",
                  "Thời trang", "Nội thất", "Giáo dục", "Dược phẩm", "Xuất nhập khẩu", "Truyền thông", "Thực phẩm")
COMPANY_BRANDS = ("Minh Phát", "An Khang", "Hòa Bình", "Đại Việt", "Thành Công", "Phú Thịnh", "Hưng Thịnh",
                  "Sao Mai", "Hoàng Gia", "Tân Phát", "Việt Nhật", "Ánh Dương", "Bình Minh", "Kim Long",
                  "Thiên Ân", "Nam Sơn", "Trường Thịnh", "Gia Huy", "Vạn Xuân", "Phương Đông", "Hải Âu",
                  "Sen Vàng", "Đông Á", "Bảo An", "Lộc Phát", "Tín Nghĩa")
COMPANY_MAILBOXES = ("info", "ketoan", "admin", "lienhe", "it", "kinhdoanh")
MAIL_DOMAINS = (("gmail.com", 70), ("yahoo.com", 8), ("outlook.com", 8), ("hotmail.com", 4), ("icloud.com", 3))


@dataclass(frozen=True)
class City:
    branch: str
    weight: float
    streets: tuple[str, ...]
    districts: tuple[str, ...]
    office: str
    staff: tuple[str, ...] = field(default=())


CITIES: tuple[City, ...] = (
    City("Hà Nội", 0.45,
         ("Cầu Giấy", "Xuân Thủy", "Trần Duy Hưng", "Nguyễn Trãi", "Láng Hạ", "Kim Mã", "Giải Phóng",
          "Hoàng Quốc Việt", "Phạm Văn Đồng", "Lê Văn Lương", "Tây Sơn", "Nguyễn Chí Thanh"),
         ("Cầu Giấy", "Đống Đa", "Thanh Xuân", "Ba Đình", "Hai Bà Trưng", "Hoàng Mai", "Nam Từ Liêm", "Long Biên"),
         "Tầng 5, Toà nhà 169 Nguyễn Ngọc Vũ, phường Trung Hòa, quận Cầu Giấy, TP Hà Nội",
         ("lan.nt", "tuan.pv", "huong.lt", "minh.dq", "thao.vt")),
    City("TP. Hồ Chí Minh", 0.40,
         ("Nguyễn Văn Linh", "Cách Mạng Tháng Tám", "Điện Biên Phủ", "Lê Văn Sỹ", "Nguyễn Thị Minh Khai",
          "Võ Văn Tần", "Phan Xích Long", "Cộng Hòa", "Hoàng Văn Thụ", "Trường Chinh", "Lý Thường Kiệt",
          "Nguyễn Đình Chiểu"),
         ("Quận 1", "Quận 3", "Quận 7", "Quận 10", "Bình Thạnh", "Phú Nhuận", "Tân Bình", "Gò Vấp", "Thủ Đức"),
         "Văn phòng chi nhánh TP. Hồ Chí Minh (phòng tiếp khách, tầng 2)",
         ("an.nh", "khoa.tm", "ngoc.ptb", "phuong.lh")),
    City("Đà Nẵng", 0.15,
         ("Nguyễn Văn Linh", "Lê Duẩn", "Hùng Vương", "Bạch Đằng", "Nguyễn Hữu Thọ", "Điện Biên Phủ", "Ngô Quyền",
          "Hàm Nghi"),
         ("Hải Châu", "Thanh Khê", "Sơn Trà", "Ngũ Hành Sơn", "Liên Chiểu", "Cẩm Lệ"),
         "Văn phòng chi nhánh Đà Nẵng (phòng tiếp khách, tầng 1)",
         ("hai.nv", "trang.dt", "quan.lm")),
)
