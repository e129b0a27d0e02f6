"""The people of the demo history: customers' names and addresses, branches and their staff."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from voc.demo.texts_styles import fold_piece

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


_fold_part = lru_cache(maxsize=4096)(fold_piece)


class Customers:
    """A pool of customers (people and companies), some of whom complain several times."""

    def __init__(self, rng: np.random.Generator, n_cases: int):
        size = max(20, int(n_cases * 0.72))
        self.size = size
        self.frequent = max(5, size // 30)
        self.city = rng.choice(len(CITIES), size, p=[c.weight for c in CITIES])
        self.company = rng.random(size) < 0.18
        self.female = rng.random(size) < 0.48
        weights = np.array([w for _, w in SURNAMES])
        self.surname = rng.choice(len(weights), size, p=weights / weights.sum())
        self.middle = rng.integers(0, 1 << 30, size)
        self.given = rng.integers(0, 1 << 30, size)
        self.extra = rng.integers(0, 1 << 30, size)
        offset = int(rng.integers(0, 10 ** 8))
        self.phone = (np.arange(size, dtype=np.int64) * 36_523_771 + offset) % 10 ** 8  # a bijection: unique

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        regular = rng.integers(0, self.size, n)
        return np.where(rng.random(n) < 0.15, rng.integers(0, self.frequent, n), regular)

    def person(self, i: int) -> tuple[str, str, str]:
        """(name, folded name, e-mail) of customer i."""
        if self.company[i]:
            return self._company(i)
        female = bool(self.female[i])
        middles = MIDDLE_FEMALE if female else MIDDLE_MALE
        givens = GIVEN_FEMALE if female else GIVEN_MALE
        surname = SURNAMES[self.surname[i]][0]
        middle = middles[self.middle[i] % len(middles)]
        given = givens[self.given[i] % len(givens)]
        folded = f"{_fold_part(surname)} {_fold_part(middle)} {_fold_part(given)}"
        return f"{surname} {middle} {given}", folded, self._email(i, surname, middle, given)

    def _company(self, i: int) -> tuple[str, str, str]:
        form = COMPANY_FORMS[self.extra[i] % len(COMPANY_FORMS)]
        trade = COMPANY_TRADES[self.middle[i] % len(COMPANY_TRADES)]
        brand = COMPANY_BRANDS[self.given[i] % len(COMPANY_BRANDS)]
        name = f"{form} {trade} {brand}" if form != "Hộ kinh doanh" else f"{form} {brand}"
        mailbox = COMPANY_MAILBOXES[(self.extra[i] >> 3) % len(COMPANY_MAILBOXES)]
        domain = _fold_part(brand).replace(" ", "") + (".com.vn" if self.extra[i] & 4 else ".vn")
        return name, " ".join(_fold_part(p) for p in name.split(" ")), f"{mailbox}@{domain}"

    def _email(self, i: int, surname: str, middle: str, given: str) -> str:
        s, m, g = _fold_part(surname), _fold_part(middle), _fold_part(given)
        number = int(self.extra[i] % 100)
        local = (f"{g}.{s}{number}", f"{s}{m}{g}", f"{g}{s[0]}{m[0]}{number}", f"{m}{g}.{s}")[self.extra[i] % 4]
        domains = MAIL_DOMAINS
        pick = (self.extra[i] >> 5) % 93
        for domain, weight in domains:
            if pick < weight:
                return f"{local}@{domain}"
            pick -= weight
        return f"{local}@gmail.com"

    def address(self, i: int) -> str:
        city = CITIES[self.city[i]]
        street = city.streets[self.extra[i] % len(city.streets)]
        district = city.districts[self.middle[i] % len(city.districts)]
        return f"{1 + self.given[i] % 300} {street}, {district}, {city.branch}"

    def phone_text(self, i: int) -> str:
        return f"09{int(self.phone[i]):08d}"


STAFF: tuple[tuple[str, str], ...] = tuple((user, city.branch) for city in CITIES for user in city.staff)
_BRANCH_STAFF = [np.array([i for i, (_, b) in enumerate(STAFF) if b == city.branch]) for city in CITIES]
# How each staff member writes replies, in STAFF order: the share of letters with an excuse, with a
# plan without a date, without an apology (so reply-check scores differ between people).
_WRITING = (
    (0.02, 0.05, 0.10), (0.12, 0.20, 0.40), (0.04, 0.08, 0.15), (0.00, 0.03, 0.05), (0.08, 0.25, 0.30),
    (0.03, 0.10, 0.20), (0.15, 0.30, 0.45), (0.02, 0.05, 0.10), (0.05, 0.12, 0.25),
    (0.06, 0.15, 0.20), (0.01, 0.04, 0.08), (0.10, 0.22, 0.35),
)


def _pick_staff(rng: np.random.Generator, city: np.ndarray) -> np.ndarray:
    out = np.empty(len(city), dtype=np.int64)
    for c, members in enumerate(_BRANCH_STAFF):
        rows = city == c
        out[rows] = members[rng.integers(0, len(members), rows.sum())]
    return out
