"""The emerging-issue test: a planted spike alerts, flat or small data does not."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

from voc.insight import themes_trends
from voc.insight.alerts import AlertSettings, detect, poisson_p_value
from voc.insight.analytics import Filters
from voc.insight.replica import reading
from tests.insight.test_analytics import insert_theme


def weekly(counts: dict[str, list[int]]) -> pd.DataFrame:
    """counts[theme][week] with week 0 = current."""
    return pd.DataFrame([{"theme": t, "week": w, "cases": n}
                         for t, series in counts.items() for w, n in enumerate(series) if n])


def test_poisson_p_value_known_values():
    assert poisson_p_value(0, 3.0) == 1.0
    assert poisson_p_value(1, 1.0) == pytest.approx(1 - 0.36787944, rel=1e-6)
    assert poisson_p_value(25, 10.0) == pytest.approx(4.695e-05, rel=1e-3)  # 1 - sum_{k<25} e^-10 10^k/k!


def test_planted_spike_alerts_and_flat_theme_does_not():
    data = weekly({"spike": [30] + [10, 9, 11, 10, 12, 8, 10, 10],
                   "flat": [11] + [10, 9, 11, 10, 12, 8, 10, 10]})
    out = detect(data).set_index("theme")
    assert bool(out.loc["spike", "alert"]) and out.loc["spike", "p_value"] < 0.01
    assert out.loc["spike", "baseline_mean"] == 10.0 and out.loc["spike", "current"] == 30
    assert not bool(out.loc["flat", "alert"])
    assert detect(data).loc[0, "theme"] == "spike"  # alerts first


def test_no_alert_on_flat_data():
    out = detect(weekly({t: [10] * 9 for t in ("a", "b", "c")}))
    assert not out["alert"].any()


def test_small_counts_never_alert():
    """0 -> 4 cases is significant for Poisson but below the minimum volume."""
    out = detect(weekly({"new": [4] + [0] * 8}), AlertSettings(min_cases=5)).set_index("theme")
    assert out.loc["new", "p_value"] < 0.01
    assert not bool(out.loc["new", "alert"])


def test_missing_weeks_count_as_zero():
    out = detect(weekly({"t": [12, 1]})).set_index("theme")  # weeks 2..8 absent
    assert out.loc["t", "baseline_mean"] == pytest.approx(1 / 8, abs=0.01)
    assert bool(out.loc["t", "alert"])


def test_describe_names_the_test_and_threshold():
    text = AlertSettings().describe()
    assert "Poisson" in text and "p < 0,01" in text and "8 tuần" in text


def test_empty_input():
    assert detect(pd.DataFrame(columns=["theme", "week", "cases"])).empty


def plant_spike(db, now: datetime) -> None:
    """12 weeks of ~3 cases/week of 'email' then 20 in the last 7 days; 'web' stays flat at 3."""
    now = now.replace(tzinfo=None)      # naive UTC, as stored
    rows = []
    for week in range(12):
        for i in range(3):
            for theme in ("email", "web"):
                rows.append((theme, now - timedelta(days=7 * week + 1 + i)))
    rows += [("email", now - timedelta(hours=5 + i)) for i in range(17)]
    with db.transaction() as cur:
        insert_theme(cur, "email", "Gửi nhận email")
        insert_theme(cur, "web", "Website")
        for n, (theme, at) in enumerate(rows, start=1):
            cur.execute("INSERT INTO cases (id, ticket_code, received_at, channel, issue_kind, service, customer_name, "
                        "content, search_text, status, round_opened_at, reply_due_at, resolution_due_at) VALUES "
                        "(?, ?, ?, 'email', 'quality', 'email', 'K', 'x', 'x', 'received', ?, ?, ?)",
                        [n, f"T-{n}", at, at, at, at])
            cur.execute("INSERT INTO case_themes (case_id, theme_code, score) VALUES (?, ?, 1)", [n, theme])


def test_spike_planted_in_the_database(db):
    now = datetime(2026, 11, 27, 3, 0)  # naive UTC
    plant_spike(db, now)
    with reading(db, exact=True) as cur:
        out = themes_trends.emerging_issues(cur, Filters(), now=now.replace(tzinfo=timezone.utc))
    table = out.set_index("theme")
    assert bool(table.loc["email", "alert"]) and table.loc["email", "current"] == 20
    assert table.loc["email", "theme_name"] == "Gửi nhận email"
    assert not bool(table.loc["web", "alert"]) and table.loc["web", "current"] == 3


def test_an_alerts_cases_are_exactly_the_verbatims_its_link_lists(db):
    """The alert's week is whole local days, so Lắng nghe with that period and the theme lists its cases."""
    from datetime import date

    from voc.insight.verbatims import search_verbatims

    now = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)
    plant_spike(db, now)
    assert themes_trends.alert_days(Filters(), now) == (date(2026, 11, 21), date(2026, 11, 27))
    assert themes_trends.alert_days(Filters(end=date(2026, 11, 10)), now) == (date(2026, 11, 4), date(2026, 11, 10))
    with reading(db, exact=True) as cur:
        alerts = themes_trends.emerging_issues(cur, Filters(), now=now).set_index("theme")
        first, last = themes_trends.alert_days(Filters(), now)
        for theme in ("email", "web"):
            _, listed = search_verbatims(cur, Filters(start=first, end=last, themes=(theme,)))
            assert listed == alerts.loc[theme, "current"]
