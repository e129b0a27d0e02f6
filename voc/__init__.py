"""VOC Desk domain package: complaint cases, the procedure's rules, letters, text engine, analytics.

Nothing in this package imports Streamlit; every rule is usable from tests and the CLI.
"""
