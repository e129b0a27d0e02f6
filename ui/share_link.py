"""The "Sao chép đường dẫn" button: copies the page's address as the browser shows it at the click.

The address holds the whole view (filters, open tab, grouping: see ui.filters), so the copied link
opens the same view for a colleague. Streamlit has no clipboard API: the button is a few lines of
HTML and JavaScript in the page itself (`st.html`), using the Clipboard API where the browser
allows it (HTTPS, localhost) and the older copy command elsewhere (plain HTTP on the LAN)."""
from __future__ import annotations

import json

import streamlit as st

DONE = "Đã sao chép đường dẫn"
FAILED = "Không sao chép được: hãy chép địa chỉ trên thanh địa chỉ của trình duyệt"

_HTML = """
<style>
.voc-copy-link { font: inherit; font-size: 0.875rem; padding: 0.25rem 0.75rem; min-height: 2.5rem; cursor: pointer;
  border-radius: 0.5rem; border: 1px solid rgba(49, 51, 63, 0.2); background: transparent; color: inherit; }
.voc-copy-link:hover { border-color: currentColor; }
.voc-copy-link-note { margin-left: 0.75rem; font-size: 0.875rem; opacity: 0.7; }
</style>
<button type="button" class="voc-copy-link" data-testid="vocCopyLink">Sao chép đường dẫn</button>
<span class="voc-copy-link-note" role="status"></span>
<script>
document.querySelectorAll("[data-testid='vocCopyLink']:not([data-ready])").forEach(function (button) {
  button.dataset.ready = "1";
  var note = button.nextElementSibling;
  function say(text) { note.textContent = text; setTimeout(function () { note.textContent = ""; }, 4000); }
  function fallback(url) {
    var box = document.createElement("textarea");
    box.value = url; box.setAttribute("readonly", ""); box.style.position = "fixed"; box.style.opacity = "0";
    document.body.appendChild(box); box.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(box);
    say(ok ? __DONE__ : __FAILED__);
  }
  button.addEventListener("click", function () {
    var url = window.location.href;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(function () { say(__DONE__); }, function () { fallback(url); });
    } else { fallback(url); }
  });
});
</script>
"""


def copy_link_button() -> None:
    html = _HTML.replace("__DONE__", json.dumps(DONE)).replace("__FAILED__", json.dumps(FAILED))
    st.html(html, unsafe_allow_javascript=True)
