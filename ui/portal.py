"""Streamlit glue of the customers' portal (portal.py, portal_pages/): the visitor's address, refusals
shown as text, the company's contact line.

No login and no Actor: the portal pages hand plain values to voc.portal, which alone decides what a
customer may do and see. Nothing here reaches the staff pages or their helpers.
"""
from __future__ import annotations

import os

import streamlit as st

from ui.widgets import md_escape
from voc.errors import DomainError
from voc.desk.templates import company
from voc.portal import abuse

PROXY_HOPS_ENV = "VOC_PORTAL_PROXY_HOPS"


def client_address() -> str | None:
    """The visitor's address; X-Forwarded-For is believed only behind $VOC_PORTAL_PROXY_HOPS proxies."""
    try:
        hops = max(int(os.environ.get(PROXY_HOPS_ENV) or 0), 0)
    except ValueError:
        hops = 0
    return abuse.client_address(st.context.ip_address, st.context.headers.get("X-Forwarded-For"), hops)


def show_refusal(error: DomainError) -> None:
    """A refusal as plain text, one line per line of the message (it may quote file names)."""
    st.error("  \n".join(md_escape(line) for line in str(error).split("\n")), icon=":material/error:")


def contact_footer() -> None:
    co = company()
    st.divider()
    st.caption(f"{md_escape(co.name)} — {md_escape(co.department)}. Hotline {md_escape(co.hotline)}, "
               f"email {md_escape(co.email)}.")
