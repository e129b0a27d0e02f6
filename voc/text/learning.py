"""How much the theme model learns from the company's own labelled cases: the learning curve.

The cases QA has labelled (corrections, and past tickets imported with their themes) are split
once, deterministically: a fifth is held out, never trained on. The shipped default model (seed
examples and the hosting corpus) is scored on it, then models trained on the defaults plus the
first 100, 300 and 1,000 of the other cases (as many of those sizes as there are cases for).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Sequence

from voc.text.classifier import current_labels, train
from voc.text.model_cache import train_cached
from voc.text.metrics import set_metrics
from voc.text.normalize import analyse
from voc.text.taxonomy import load_default_examples

CURVE_SIZES = (100, 300, 1000)
HELD_OUT_SHARE = 0.2


@dataclass(frozen=True)
class CurvePoint:
    company_cases: int       # labelled company cases trained on (0: the shipped default model)
    micro_f1: float
    macro_f1: float


def company_examples(cur) -> tuple[list[str], list[list[str]]]:
    """Every case QA has labelled, with its positive themes that are still active ([]: none)."""
    labelled = current_labels(cur)
    if not labelled:
        return [], []
    active = {r[0] for r in cur.execute("SELECT code FROM themes WHERE active").fetchall()}
    rows = cur.execute(
        "SELECT id, coalesce(content, '') || ' ' || coalesce(request, '') FROM cases WHERE list_contains(?, id) "
        "ORDER BY id", [list(labelled)]).fetchall()
    return ([text.strip() for _, text in rows],
            [sorted(c for c, positive in labelled[case_id].items() if positive and c in active) for case_id, _ in rows])


def learning_curve(db, sizes: Sequence[int] = CURVE_SIZES, seed: int = 0) -> tuple[int, list[CurvePoint]]:
    """(held-out cases, points): micro/macro-F1 on the held-out company cases of the default model
    and of models trained with `sizes` company cases. No points with fewer than 10 labelled cases."""
    with db.cursor() as cur:
        texts, labels = company_examples(cur)
    if len(texts) < 10:
        return 0, []
    order = list(range(len(texts)))
    random.Random(seed).shuffle(order)
    n_held = max(1, round(len(order) * HELD_OUT_SHARE))
    held, rest = order[:n_held], order[n_held:]
    held_docs = [analyse(texts[i]) for i in held]
    gold = [labels[i] for i in held]
    base_texts, base_labels = load_default_examples()
    default = train_cached(base_texts, base_labels)
    points = []
    for n in [0] + [s for s in sizes if s <= len(rest)]:
        use = rest[:n]
        # the default model's C: cross-validation then only sets the thresholds
        model = default if n == 0 else train(base_texts + [texts[i] for i in use],
                                             base_labels + [labels[i] for i in use],
                                             c_grid=(default.params["C"],), seed=seed)
        m = set_metrics(gold, model.predict_sets(held_docs))
        points.append(CurvePoint(n, m.micro_f1, m.macro_f1))
    return n_held, points


def format_curve(n_held: int, points: Sequence[CurvePoint]) -> list[str]:
    if not points:
        return ["Đường học: cần ít nhất 10 hồ sơ đã gắn nhãn (QA hoặc nhập CSV có cột themes)."]
    lines = [f"Đường học (chấm trên {n_held} hồ sơ đã gắn nhãn được giữ riêng, không dùng để huấn luyện):"]
    for p in points:
        who = "mô hình mặc định" if p.company_cases == 0 else f"thêm {p.company_cases} hồ sơ của công ty"
        lines.append(f"  {who}: micro_f1={p.micro_f1:.4f} macro_f1={p.macro_f1:.4f}")
    return lines
