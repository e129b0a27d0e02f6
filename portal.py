"""Customers' entry point: `streamlit run portal.py`. The complaint form and the status lookup, no login,
nothing of the staff side.

Streamlit treats a `pages/` folder beside the entry script as pages of the app until the script has
called st.navigation once in the process, so the first visitor after a start who asks for /admin
would otherwise run the staff page pages/admin.py and see every staff page in the sidebar. This file
therefore also defines an ASGI app (`app`): `streamlit run` finds it and imports this module once
at start-up, before any visitor, and that import switches the pages/ folder off for the process.
The visitor's script run is the `__main__` branch below.
"""
import streamlit as st

if __name__ == "__main__":
    from ui import streamlit_text

    st.set_page_config(page_title="BKNS — Khiếu nại của khách hàng", page_icon=":material/support_agent:",
                       layout="centered")
    streamlit_text.apply()
    st.navigation([
        st.Page("portal_pages/complaint.py", title="Gửi khiếu nại", icon=":material/edit_note:",
                url_path="gui-khieu-nai", default=True),
        st.Page("portal_pages/lookup.py", title="Tra cứu hồ sơ", icon=":material/search:", url_path="tra-cuu"),
    ], position="top").run()
else:
    from streamlit import config
    from streamlit.runtime.pages_manager import PagesManager

    from voc.desk.attachments import MAX_ATTACHMENT_BYTES

    PagesManager.uses_pages_directory = False
    # The desk's config allows 200 MB uploads for CSV imports; a customer's file is at most 10 MB
    # (one more for the request's own overhead: the server refuses larger bodies before reading them).
    config.set_option("server.maxUploadSize", MAX_ATTACHMENT_BYTES // 1024 // 1024 + 1, "portal.py")
    app = st.App(__file__)
