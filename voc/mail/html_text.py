"""HTML mail bodies as plain text: no markup, nothing of a script, style or other active content.

Built on the stdlib `html.parser` (a streaming tokenizer, no recursion), so deeply nested or broken
HTML costs time linear in its length and cannot exhaust the stack. Only text nodes outside the
skipped elements are kept; attributes (links, event handlers, `javascript:` URLs) never reach the
output.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

MAX_HTML_CHARS = 2_000_000      # longer bodies are cut before conversion (the rest is noted)

# Elements whose content is never text for a reader (or is active content).
_SKIP = frozenset({"script", "style", "head", "title", "noscript", "template", "iframe", "object", "embed",
                   "svg", "math", "canvas", "select", "textarea", "applet", "frameset", "frame", "xml"})
_BLOCK = frozenset({"p", "div", "br", "tr", "table", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5",
                    "h6", "blockquote", "pre", "hr", "section", "article", "header", "footer", "address", "form",
                    "fieldset", "figure", "figcaption", "main", "nav", "aside", "center", "body", "html"})
_CELL = frozenset({"td", "th"})
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping: list[str] = []     # open skipped elements, innermost last
        self._pre = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "body" and "head" in self._skipping:      # a head that was never closed ends here
            del self._skipping[self._skipping.index("head"):]
        if tag in _SKIP:
            self._skipping.append(tag)
            return
        if self._skipping:
            return
        if tag == "pre":
            self._pre += 1
        if tag == "li":
            self.parts.append("\n- ")
        elif tag in _BLOCK:
            self.parts.append("\n")
        elif tag in _CELL:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _SKIP:        # <script/> opens nothing
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._skipping:
            del self._skipping[len(self._skipping) - 1 - self._skipping[::-1].index(tag):]
            return
        if self._skipping:
            return
        if tag == "pre" and self._pre:
            self._pre -= 1
        if tag in _BLOCK or tag == "li":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        self.parts.append(data if self._pre else _SPACES.sub(" ", data.replace("\r", " ").replace("\n", " ")))


def html_to_text(html: str) -> str:
    """The readable text of an HTML document, one paragraph per line."""
    cut = len(html) > MAX_HTML_CHARS
    parser = _Extractor()
    parser.feed(html[:MAX_HTML_CHARS])
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).replace("\r", "").split("\n")]
    text = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    if cut:
        text += "\n\n[Phần HTML còn lại quá dài nên không được chuyển thành văn bản.]"
    return text
