"""The VOC charts' figures are built once per chart, frame and figure function (its code and the values
it closes over), and built again when any of these changes."""
from __future__ import annotations

import pandas as pd
import plotly.express as px
import pytest
import streamlit as st

from ui import charts


@pytest.fixture(autouse=True)
def fresh_cache():
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


FRAME = pd.DataFrame({"week": ["2026-11-02", "2026-11-09"], "cases": [3, 5]})
calls: list[str] = []          # what the figure functions were called with (a global: not part of a recipe)


@pytest.fixture(autouse=True)
def no_calls():
    calls.clear()


def bars(label: str):
    def figure(d: pd.DataFrame):
        calls.append(label)
        return px.bar(d, x="week", y="cases", labels={"cases": label})
    return figure


def test_a_chart_is_built_once_for_the_same_frame_and_recipe():
    first = charts.drawn("volume", FRAME, bars("Hồ sơ"))
    again = charts.drawn("volume", FRAME.copy(), bars("Hồ sơ"))    # the next run: a new function, same recipe
    assert calls == ["Hồ sơ"] and again is first
    assert first.layout.separators == ",." and list(first.data[0].y) == [3, 5]     # made readable


def test_a_new_frame_or_closure_value_draws_the_chart_again():
    charts.drawn("volume", FRAME, bars("Hồ sơ"))
    more = charts.drawn("volume", FRAME.assign(cases=[3, 6]), bars("Hồ sơ"))
    other = charts.drawn("volume", FRAME, bars("Khách hàng"))
    assert calls == ["Hồ sơ", "Hồ sơ", "Khách hàng"]
    assert list(more.data[0].y) == [3, 6] and other.layout.yaxis.title.text == "Khách hàng"


def test_a_closure_over_an_index_is_keyed_by_its_values():

    def figure_of(names: pd.Index):
        return lambda d: calls.append(",".join(names)) or px.bar(d[d["week"].isin(names)], x="week", y="cases")

    charts.drawn("top", FRAME, figure_of(pd.Index(["2026-11-02"])))
    charts.drawn("top", FRAME, figure_of(pd.Index(["2026-11-02"])))
    only_second = charts.drawn("top", FRAME, figure_of(pd.Index(["2026-11-09"])))
    assert calls == ["2026-11-02", "2026-11-09"] and list(only_second.data[0].y) == [5]


def test_a_frame_with_nothing_to_plot_gives_none():
    empty = FRAME.assign(cases=[None, None])
    assert charts.drawn("volume", empty, lambda d: px.bar(d, x="week", y="cases")) is None


def test_clear_drops_the_figures_too():
    charts.drawn("volume", FRAME, bars("Hồ sơ"))
    charts.clear()
    charts.drawn("volume", FRAME, bars("Hồ sơ"))
    assert calls == ["Hồ sơ", "Hồ sơ"]
