"""Tables shown to people: every value as a Vietnamese reader expects it, in one place.

`display(df, kinds, ...)` turns a frame of plain values into display strings: counts with a
thousands dot ("3.003"), decimals with a comma ("4,17"), percentages ("57,1%"), local times as
"HH:MM dd/mm/yyyy" and days as "dd/mm/yyyy", labels instead of codes (themes, statuses, services,
channels, SLA states), display names instead of usernames, "Có"/"Không" for yes/no. A column's kind
comes from `kinds`, else from its name (the read queries name their columns consistently), else
from its data type. A code column next to its Vietnamese name ("theme" beside "theme_name") is
dropped. CSV downloads keep the raw frame (voc.desk.csv_excel has its own rules).
"""
from __future__ import annotations

import math
from datetime import date, datetime
from enum import Enum
from typing import Any, Callable, Mapping

import pandas as pd
import streamlit as st

from ui.session import get_db
from voc.accounts.users import display_names
from voc.clock import format_local
from voc.insight.analytics import data_version, theme_names
from voc.model import Channel, LabelledEnum, Service, SlaState, Status
from voc.numbers import vn_number, vn_percent


class Kind(Enum):
    COUNT = "count"          # 3.003
    NUMBER = "number"        # 4,17 (two decimals)
    PERCENT = "percent"      # 57,1% (the value is on the 0-100 scale)
    RATIO = "ratio"          # 0.571 -> 57,1%
    DATETIME = "datetime"    # 14:05 26/11/2026, local time
    DATE = "date"            # 26/11/2026
    THEME = "theme"          # theme code -> its Vietnamese name
    PERSON = "person"        # username -> display name
    BOOL = "bool"            # Có / Không
    STATUS = "status"
    SERVICE = "service"
    CHANNEL = "channel"
    SLA_STATE = "sla_state"
    TEXT = "text"
    HIDE = "hide"


_ENUMS: dict[Kind, type[LabelledEnum]] = {Kind.STATUS: Status, Kind.SERVICE: Service, Kind.CHANNEL: Channel,
                                          Kind.SLA_STATE: SlaState}
# Columns the read queries name the same way everywhere.
NAME_KINDS: dict[str, Kind] = {
    "theme": Kind.THEME, "status": Kind.STATUS, "service": Kind.SERVICE, "channel": Kind.CHANNEL,
    "sla_state": Kind.SLA_STATE, "staff": Kind.PERSON, "issued_by": Kind.PERSON, "reviewer": Kind.PERSON,
    "writer": Kind.PERSON, "round": Kind.COUNT, "period": Kind.DATE, "week": Kind.DATE, "month": Kind.DATE,
}
NUMERIC = {Kind.COUNT, Kind.NUMBER, Kind.PERCENT, Kind.RATIO}
# A code column dropped when its Vietnamese twin is in the same frame.
CODE_TWINS = {"theme": "theme_name", "category": "category_name", "status": "status_label"}


def _missing(value: Any) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _day(value: Any) -> str:
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime) and value.tzinfo:
        return format_local(value, with_time=False)
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)


def _day_or_time(value: Any) -> str:
    """A moment as local time; a naive midnight is a plain day (a DATE column read as a timestamp)."""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime) and (value.tzinfo or value.time() != datetime.min.time()):
        return format_local(value)
    return _day(value)


def enum_label(enum: type[LabelledEnum], value: str | None) -> str:
    if value is None:
        return ""
    try:
        return enum(value).label
    except ValueError:
        return str(value)


def formatter(kind: Kind, themes: Mapping[str, str], people: Mapping[str, str]) -> Callable[[Any], str]:
    """The function that writes one value of a column of `kind`."""
    if kind in _ENUMS:
        return lambda v: enum_label(_ENUMS[kind], v)
    return {
        Kind.COUNT: lambda v: vn_number(v), Kind.NUMBER: lambda v: vn_number(v, 2),
        Kind.PERCENT: lambda v: vn_percent(v), Kind.RATIO: lambda v: vn_percent(100 * v),
        Kind.DATETIME: _day_or_time, Kind.DATE: _day,
        Kind.THEME: lambda v: themes.get(v, str(v)), Kind.PERSON: lambda v: people.get(v, str(v)),
        Kind.BOOL: lambda v: "Có" if v else "Không",
    }.get(kind, str)


def kind_of(name: str, column: pd.Series) -> Kind:
    """A column's kind from its name, else from its values."""
    if name in NAME_KINDS:
        return NAME_KINDS[name]
    if name == "id" or name.endswith("_id"):
        return Kind.TEXT                 # a number that names a thing: no thousands dot
    if name.endswith("_pct"):
        return Kind.PERCENT
    if name.endswith("_at"):
        return Kind.DATETIME
    if name.endswith("_date"):
        return Kind.DATE
    if pd.api.types.is_bool_dtype(column):
        return Kind.BOOL
    if pd.api.types.is_integer_dtype(column):
        return Kind.COUNT
    if pd.api.types.is_float_dtype(column):
        values = column.dropna()
        return Kind.COUNT if len(values) and (values == values.round()).all() else Kind.NUMBER
    if pd.api.types.is_datetime64_any_dtype(column):
        return Kind.DATETIME
    return Kind.TEXT


def column_kinds(df: pd.DataFrame, kinds: Mapping[str, Kind] | None = None) -> dict[str, Kind]:
    """The kind of every column of `df`: as given, else from its name or values (a code beside its name: hidden)."""
    given = dict(kinds or {})
    for code, twin in CODE_TWINS.items():
        if code in df.columns and twin in df.columns:
            given.setdefault(code, Kind.HIDE)
    return {name: given.get(name) or kind_of(str(name), df[name]) for name in df.columns}


def display(df: pd.DataFrame, kinds: Mapping[str, Kind] | None = None, *, themes: Mapping[str, str] | None = None,
            people: Mapping[str, str] | None = None) -> pd.DataFrame:
    """`df` with every value written for a reader (missing values empty); column names unchanged."""
    out = {}
    for name, kind in column_kinds(df, kinds).items():
        if kind is Kind.HIDE:
            continue
        write = formatter(kind, themes or {}, people or {})
        out[name] = [("" if _missing(v) else write(v)) for v in df[name].tolist()]
    return pd.DataFrame(out, columns=list(out), index=df.index)


def shown(df: pd.DataFrame, labels: Mapping[str, str] | None = None,
          kinds: Mapping[str, Kind] | None = None, version: tuple | None = None) -> pd.DataFrame:
    """`display` with the app's theme and people names, and Vietnamese headings."""
    themes, people = names(version)
    return display(df, kinds, themes=themes, people=people).rename(columns=dict(labels or {}))


def names(version: tuple | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """Theme code -> name and username -> display name, read once per data version (`version`: the one
    the caller read already this run, else it is read here)."""
    db = get_db()
    if version is None:
        with db.cursor() as cur:
            version = data_version(cur)
    return _names(str(db.path), version)


@st.cache_data(ttl=600, max_entries=16, show_spinner=False)
def _names(db_key: str, version: tuple) -> tuple[dict[str, str], dict[str, str]]:
    with get_db().cursor() as cur:
        return theme_names(cur), display_names(cur)


def people(version: tuple | None = None) -> dict[str, str]:
    """Username -> display name of every account."""
    return names(version)[1]


def person(username: str | None) -> str:
    """The display name of `username` (the username itself when no account has it)."""
    return person_names()(username)


def person_names() -> Callable[[str | None], str]:
    """`person` for many names (a filter's options): the names and the data version are read once, not
    once a name."""
    known = people()
    return lambda username: known.get(username, username) if username else ""


def table(df: pd.DataFrame, labels: Mapping[str, str] | None = None, kinds: Mapping[str, Kind] | None = None,
          version: tuple | None = None, **options):
    """st.dataframe of `df` as `shown` writes it (no index), numbers aligned right as numbers are."""
    labels = dict(labels or {})
    config = {labels.get(name, name): st.column_config.TextColumn(alignment="right")
              for name, kind in column_kinds(df, kinds).items() if kind in NUMERIC}
    config.update(options.pop("column_config", None) or {})
    return st.dataframe(shown(df, labels, kinds, version), hide_index=True, column_config=config, **options)
