"""Streamlit's own English words on the widgets, replaced or hidden where its API gives no option.

Called once per run by app.py and portal.py. What the API allows is set at the widget (placeholders,
date formats, labels); what it does not is handled here with a style sheet on Streamlit's stable
test ids, and what neither reaches is listed in the README ("Chữ tiếng Anh của Streamlit").
"""
from __future__ import annotations

import streamlit as st

CSS = """
<style>
/* "Press Enter to submit form" / "Press Enter to apply" / "Press Ctrl+Enter to apply" under a text box
   (also the n/max character counter, drawn in the same place). Enter still submits or applies. */
[data-testid="InputInstructions"] { display: none !important; }
/* The file uploader's "Upload" button and its "200MB per file" note (the limit is in the widget's help). */
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: "Chọn tệp"; font-size: 0.875rem; }
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after { content: "hoặc kéo thả tệp vào đây"; font-size: 0.875rem; }
</style>
"""


def apply() -> None:
    st.html(CSS)
