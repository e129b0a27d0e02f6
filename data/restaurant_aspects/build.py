"""A small multi-label data set from another domain (restaurant reviews, five aspects), written for
checking the engine's one-vs-rest path against the plain baseline: train.csv and test.csv here.

    python data/restaurant_aspects/build.py
    python -m voc evaluate --train data/restaurant_aspects/train.csv --test data/restaurant_aspects/test.csv

Each review joins one to three clauses of different aspects; the train and test parts draw from
disjoint hand-written clauses (the "train" and "test" lists), so test wording is never trained
on. Deterministic (seeded).
"""
from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent

CLAUSES: dict[str, dict[str, list[str]]] = {
    "FOOD": {
        "train": ["món phở nước dùng đậm đà", "thịt nướng hơi khô", "bún chả ngon, chả thơm", "cơm chiên bị mặn",
                  "đồ ăn nguội ngắt", "gỏi cuốn tươi, rau sạch", "lẩu nhạt, ít topping", "bánh xèo giòn rụm",
                  "cá kho vừa miệng", "súp cua đặc, nhiều thịt cua", "món gà luộc bị dai", "trà sữa ngọt quá"],
        "test": ["mì xào dầu mỡ quá", "bò lúc lắc mềm ngon", "canh chua thiếu vị", "hải sản không tươi",
                 "chè đậu xanh ngon tuyệt", "bánh mì giòn, pate béo"],
    },
    "SERVICE": {
        "train": ["nhân viên phục vụ nhanh nhẹn", "gọi món chờ cả tiếng", "phục vụ thiếu nhiệt tình",
                  "bạn thu ngân rất dễ thương", "nhân viên mang nhầm món", "không ai ra dọn bàn",
                  "chủ quán niềm nở", "phục vụ chu đáo, hỏi han khách"],
        "test": ["nhân viên lơ khách", "bồi bàn lễ phép", "đợi mãi không thấy ai ra order", "được tiếp đón tận tình"],
    },
    "PRICE": {
        "train": ["giá hơi cao so với chất lượng", "giá cả phải chăng", "đắt mà phần ăn ít",
                  "rẻ bất ngờ", "tính tiền nhầm, thu thêm phí", "có khuyến mãi giảm giá 20%"],
        "test": ["giá mềm, hợp túi tiền sinh viên", "hóa đơn đắt cắt cổ", "bình dân mà chất lượng"],
    },
    "AMBIENCE": {
        "train": ["không gian thoáng mát", "quán ồn ào, nhạc to", "trang trí đẹp, chụp ảnh sống ảo",
                  "bàn ghế bẩn, ruồi nhiều", "điều hòa mát, sạch sẽ", "chỗ ngồi chật chội"],
        "test": ["view đẹp nhìn ra hồ", "nhà vệ sinh hôi", "không khí ấm cúng"],
    },
    "LOCATION": {
        "train": ["quán nằm trong hẻm khó tìm", "gần trung tâm, dễ đi", "không có chỗ đậu xe máy",
                  "ngay mặt đường lớn", "chỗ gửi xe rộng rãi"],
        "test": ["đường vào quán nhỏ, hay kẹt", "vị trí thuận tiện gần chợ", "phải gửi xe xa"],
    },
}
OPENERS = {"train": ["", "Quán này ", "Mình đi ăn tối qua, ", "Review: ", "Lần đầu ghé, "],
           "test": ["", "Đi cùng gia đình, ", "Nhận xét thật lòng: "]}
JOINERS = {"train": [", ", ". ", ", nhưng ", ", còn "], "test": [", ", "; ", ". Tuy nhiên "]}


def build(part: str, rows: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    aspects = sorted(CLAUSES)
    out, seen = [], set()
    while len(out) < rows:
        chosen = rng.sample(aspects, rng.choice((1, 1, 2, 2, 3)))
        text = rng.choice(OPENERS[part])
        for k, aspect in enumerate(chosen):
            text += (rng.choice(JOINERS[part]) if k else "") + rng.choice(CLAUSES[aspect][part])
        text = text[:1].upper() + text[1:] + "."
        if text not in seen:
            seen.add(text)
            out.append((text, "|".join(sorted(chosen))))
    return out


def write(path: Path, rows: list[tuple[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "labels"])
        writer.writerows(rows)


if __name__ == "__main__":
    write(HERE / "train.csv", build("train", 400, seed=5))
    write(HERE / "test.csv", build("test", 150, seed=55))
