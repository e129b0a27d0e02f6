"""Emerging-issue alerts: a theme whose volume in the current week is significantly above its own baseline.

The test: the current week's count X of a theme is compared with a Poisson distribution whose
mean λ is the theme's mean weekly count over the previous `baseline_weeks` weeks. The theme is
flagged when the one-sided p-value P(X' ≥ X | λ) is below `alpha` and X is at least `min_cases`
(so a jump from 0 to 2 never alarms anyone). Weeks are rolling 7-day windows ending at the anchor.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from scipy.special import pdtrc  # Poisson survival function; scipy.stats takes seconds to import

BASELINE_WEEKS = 8
ALPHA = 0.01
MIN_CASES = 5
LAMBDA_FLOOR = 0.25  # a theme never seen before still gets a small expected rate

TEST_DESCRIPTION = (
    "Kiểm định Poisson một phía: số hồ sơ của chủ đề trong 7 ngày gần nhất so với phân phối Poisson "
    "có trung bình bằng số hồ sơ trung bình mỗi tuần của chính chủ đề đó trong {weeks} tuần trước; "
    "cảnh báo khi p < {alpha} và có ít nhất {min_cases} hồ sơ trong tuần."
)


@dataclass(frozen=True)
class AlertSettings:
    baseline_weeks: int = BASELINE_WEEKS
    alpha: float = ALPHA
    min_cases: int = MIN_CASES

    def describe(self) -> str:
        return TEST_DESCRIPTION.format(weeks=self.baseline_weeks, alpha=f"{self.alpha:g}".replace(".", ","),
                                       min_cases=self.min_cases)


ALERT_COLUMNS = ["theme", "current", "baseline_mean", "ratio", "p_value", "alert"]


def poisson_p_value(observed: int, mean: float) -> float:
    """One-sided P(X >= observed) for X ~ Poisson(mean)."""
    if observed <= 0:
        return 1.0
    return float(pdtrc(observed - 1, max(mean, LAMBDA_FLOOR)))


def detect(weekly: pd.DataFrame, settings: AlertSettings = AlertSettings()) -> pd.DataFrame:
    """Score every theme of `weekly` (columns theme, week, cases; week 0 = current, 1..N = baseline).

    Missing (theme, week) pairs count as zero. Returns one row per theme with its current count,
    baseline mean, ratio, p-value and whether it is an alert; alerts first, strongest first.
    """
    if weekly.empty:
        return pd.DataFrame(columns=ALERT_COLUMNS)
    grid = (weekly.pivot_table(index="theme", columns="week", values="cases", aggfunc="sum", fill_value=0)
            .reindex(columns=range(settings.baseline_weeks + 1), fill_value=0))
    current = grid[0].astype(int)
    baseline = grid[list(range(1, settings.baseline_weeks + 1))].mean(axis=1)
    p_values = [poisson_p_value(int(x), float(m)) for x, m in zip(current, baseline)]
    out = pd.DataFrame({
        "theme": grid.index,
        "current": current.to_numpy(),
        "baseline_mean": baseline.round(2).to_numpy(),
        "ratio": (current / baseline.clip(lower=LAMBDA_FLOOR)).round(2).to_numpy(),
        "p_value": p_values,
    })
    out["alert"] = (out["p_value"] < settings.alpha) & (out["current"] >= settings.min_cases) & (
        out["current"] > out["baseline_mean"])
    return out.sort_values(["alert", "p_value", "current"], ascending=[False, True, False]).reset_index(drop=True)
