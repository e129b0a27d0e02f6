"""Streamlit glue shared by the pages: the cached database, the login gate, formatting helpers."""
