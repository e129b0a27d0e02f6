"""Printable documents in Vietnamese administrative style: letters (DOCX and PDF), the in-person
receipt form "Phiếu tiếp nhận" and the customer's confirmation (PDF).

Every document has the same frame: the company header beside the national motto, the document
number, place and date, the addressee, the subject ("V/v: ..."), the body and a signature block.
PDFs embed the DejaVu Serif font shipped in data/fonts, so Vietnamese diacritics render on any
machine without system fonts.
"""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Sequence

from docx import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from voc.paths import FONT_DIR
from voc.clock import local, utcnow
from voc.desk.templates import company, confirmation, receipt_form
from voc.model import Case, Letter, LetterKind
from voc.plaintext import fold

FONT_FAMILY = "DejaVuSerif"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
SIGN_HINT = "(Ký, ghi rõ họ tên)"
_HEADING = re.compile(r"^[IVX]+\. \S")


@dataclass(frozen=True)
class Signature:
    title: str
    name: str = ""
    prefix: str = ""


@dataclass(frozen=True)
class Layout:
    """Everything a printed document shows, independent of the output format."""

    number: str
    place_date: str
    title: str | None
    subject: str | None
    addressee: str | None
    body: str
    signatures: tuple[Signature, ...]
    recipients: tuple[str, ...] = field(default_factory=tuple)
    preface: str | None = None     # printed in italics before the body, e.g. which letter this one replaces
    dated: datetime | None = None  # the PDF's creation date; one document always renders to the same bytes


def nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "")


def place_date(at: datetime, city: str | None = None) -> str:
    """'Hà Nội, ngày 26 tháng 11 năm 2026' in Vietnam local time."""
    day = local(at)
    return f"{city or company().city}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def _company_signature() -> Signature:
    co = company()
    return Signature(co.signatory_title, prefix=f"TM. {co.short_name}")


def _addressee(body: str, case: Case) -> str | None:
    """The "Kính gửi: …" line, unless the body opens with its own salutation (the templates' "Kính gửi
    Quý khách …,", which the e-mail text needs too): a letter greets its reader once."""
    first_line = next((line for line in (body or "").splitlines() if line.strip()), "")
    return None if fold(first_line).startswith("kinh gui") else f"Kính gửi: Quý khách {case.customer.name}"


def letter_layout(letter: Letter, case: Case) -> Layout:
    title = "GIẤY MỜI" if letter.kind is LetterKind.INVITATION else None
    recipients = ("- Như trên;", f"- Lưu: {company().department}, hồ sơ {case.ticket_code}.")
    preface = f"Thư này thay thế thư số {letter.supersedes_number}." if letter.supersedes_number else None
    return Layout(
        number=f"Số: {letter.doc_number}", place_date=place_date(letter.issued_at), title=title,
        subject=f"V/v: {letter.subject}", addressee=_addressee(letter.body, case),
        body=letter.body, signatures=(_company_signature(),), recipients=recipients, preface=preface,
        dated=letter.issued_at,
    )


def receipt_layout(case: Case, attachment_names: Sequence[str], staff_name: str | None = None) -> Layout:
    draft = receipt_form(case, list(attachment_names), staff_name)
    return Layout(
        number=f"Số: {case.ticket_code}", place_date=place_date(case.received_at), title=draft.subject,
        subject=None, addressee=None, body=draft.body,
        signatures=(Signature("KHÁCH HÀNG", case.customer.name),
                    Signature("NHÂN VIÊN TIẾP NHẬN", staff_name or case.staff or "")),
        dated=case.received_at,
    )


def confirmation_layout(case: Case, at: datetime | None = None) -> Layout:
    draft = confirmation(case)
    return Layout(
        number=f"Số: {case.ticket_code}", place_date=place_date(at or case.received_at), title=None,
        subject=f"V/v: {draft.subject}", addressee=_addressee(draft.body, case),
        body=draft.body, signatures=(_company_signature(),), dated=at or case.received_at,
    )


# --- PDF (fpdf2) -----------------------------------------------------------------------------

class _Pdf(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_margins(20, 15, 15)
        self.set_auto_page_break(True, margin=18)
        for style, name in (("", "DejaVuSerif.ttf"), ("B", "DejaVuSerif-Bold.ttf"), ("I", "DejaVuSerif-Italic.ttf")):
            self.add_font(FONT_FAMILY, style, str(FONT_DIR / name))
        self.set_font(FONT_FAMILY, size=11)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT_FAMILY, "I", 8)
        self.cell(0, 5, f"Trang {self.page_no()}/{{nb}}", align="C")


def _pdf_header(pdf: _Pdf, layout: Layout) -> None:
    co = company()
    left_w = 75
    right_x = pdf.l_margin + left_w
    right_w = pdf.epw - left_w
    top = pdf.get_y()
    pdf.set_font(FONT_FAMILY, "B", 9)
    pdf.multi_cell(left_w, 4.5, nfc(co.name.upper()), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT_FAMILY, "", 9)
    pdf.multi_cell(left_w, 4.5, nfc(co.department), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.multi_cell(left_w, 5, nfc(layout.number), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if layout.subject:
        pdf.set_font(FONT_FAMILY, "", 9)
        pdf.multi_cell(left_w, 4.5, nfc(layout.subject), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    left_bottom = pdf.get_y()
    pdf.set_xy(right_x, top)
    pdf.set_font(FONT_FAMILY, "B", 10)
    pdf.cell(right_w, 5, NATION, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FONT_FAMILY, "B", 11)
    pdf.cell(right_w, 5.5, MOTTO, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    motto_w = pdf.get_string_width(MOTTO)
    line_y = pdf.get_y()
    pdf.line(right_x + (right_w - motto_w) / 2, line_y, right_x + (right_w + motto_w) / 2, line_y)
    pdf.set_y(line_y + 3)
    pdf.set_x(right_x)
    pdf.set_font(FONT_FAMILY, "I", 10)
    pdf.cell(right_w, 5, nfc(layout.place_date), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 6)


def _pdf_body(pdf: _Pdf, layout: Layout) -> None:
    if layout.title:
        pdf.set_font(FONT_FAMILY, "B", 14)
        pdf.multi_cell(0, 7, nfc(layout.title), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)
    if layout.addressee:
        pdf.set_font(FONT_FAMILY, "B", 11)
        pdf.multi_cell(0, 6, nfc(layout.addressee), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)
    if layout.preface:
        pdf.set_font(FONT_FAMILY, "I", 11)
        pdf.multi_cell(0, 6, nfc(layout.preface), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
    for paragraph in nfc(layout.body).split("\n"):
        if not paragraph.strip():
            pdf.ln(3)
            continue
        heading = bool(_HEADING.match(paragraph)) and paragraph == paragraph.upper()
        pdf.set_font(FONT_FAMILY, "B" if heading else "", 11)
        align = "L" if heading or paragraph.startswith("-") else "J"
        pdf.multi_cell(0, 6, paragraph, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _pdf_signatures(pdf: _Pdf, layout: Layout) -> None:
    pdf.ln(6)
    if pdf.get_y() > pdf.h - 70:
        pdf.add_page()
    top = pdf.get_y()
    count = len(layout.signatures)
    col_w = pdf.epw / 2
    for index, sig in enumerate(layout.signatures):
        x = pdf.l_margin + (col_w if count == 1 else index * col_w)
        pdf.set_xy(x, top)
        lines = [("B", 11, sig.prefix), ("B", 11, sig.title), ("I", 9, SIGN_HINT)]
        for style, size, text in lines:
            if text:
                pdf.set_font(FONT_FAMILY, style, size)
                pdf.multi_cell(col_w, 5.5, nfc(text), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_y(pdf.get_y() + 22)
        pdf.set_x(x)
        pdf.set_font(FONT_FAMILY, "B", 11)
        pdf.multi_cell(col_w, 5.5, nfc(sig.name), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    if layout.recipients:
        pdf.set_xy(pdf.l_margin, top)
        pdf.set_font(FONT_FAMILY, "B", 10)
        pdf.cell(col_w, 5, "Nơi nhận:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT_FAMILY, "", 9)
        for line in layout.recipients:
            pdf.multi_cell(col_w - 5, 4.5, nfc(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render_pdf(layout: Layout) -> bytes:
    pdf = _Pdf()
    if layout.dated is not None:
        pdf.set_creation_date(layout.dated if layout.dated.tzinfo else layout.dated.replace(tzinfo=timezone.utc))
    pdf.alias_nb_pages()
    pdf.add_page()
    _pdf_header(pdf, layout)
    _pdf_body(pdf, layout)
    _pdf_signatures(pdf, layout)
    return bytes(pdf.output())


# --- DOCX (python-docx) ----------------------------------------------------------------------

def _run(paragraph, text: str, *, bold: bool = False, italic: bool = False, size: float = 12,
         underline: bool = False):
    run = paragraph.add_run(nfc(text))
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    run.font.name = "Times New Roman"
    return run


def _para(container, text: str = "", *, align=WD_ALIGN_PARAGRAPH.LEFT, space_after: float = 2, **style):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(space_after)
    if text:
        _run(paragraph, text, **style)
    return paragraph


def _cell_text(cell, lines: list[tuple[str, dict]]) -> None:
    cell.paragraphs[0].text = ""
    first = True
    for text, style in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(1)
        _run(paragraph, text, **style)


def render_docx(layout: Layout) -> bytes:
    co = company()
    doc = DocxDocument()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    header = doc.add_table(rows=1, cols=2)
    left_lines = [(co.name.upper(), {"bold": True, "size": 11}), (co.department, {"size": 11}),
                  (layout.number, {"size": 12})]
    if layout.subject:
        left_lines.append((layout.subject, {"size": 11}))
    _cell_text(header.rows[0].cells[0], left_lines)
    _cell_text(header.rows[0].cells[1], [(NATION, {"bold": True, "size": 12}),
                                         (MOTTO, {"bold": True, "size": 13, "underline": True}),
                                         (layout.place_date, {"italic": True, "size": 12})])
    _para(doc)
    if layout.title:
        _para(doc, layout.title, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=14, space_after=8)
    if layout.addressee:
        _para(doc, layout.addressee, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=13, space_after=8)
    if layout.preface:
        _para(doc, layout.preface, italic=True, size=13, space_after=6)
    for line in nfc(layout.body).split("\n"):
        _para(doc, line, align=WD_ALIGN_PARAGRAPH.JUSTIFY, size=13, space_after=4)
    _para(doc)
    _docx_signatures(doc, layout)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _docx_signatures(doc, layout: Layout) -> None:
    table = doc.add_table(rows=1, cols=2)
    cells = table.rows[0].cells
    sig_cells = [cells[1]] if len(layout.signatures) == 1 else list(cells)
    for cell, sig in zip(sig_cells, layout.signatures):
        lines = [(t, s) for t, s in ((sig.prefix, {"bold": True}), (sig.title, {"bold": True}),
                                     (SIGN_HINT, {"italic": True, "size": 11})) if t]
        lines += [("", {}), ("", {}), ("", {}), (sig.name, {"bold": True})]
        _cell_text(cell, lines)
    if layout.recipients and len(layout.signatures) == 1:
        cell = cells[0]
        cell.paragraphs[0].text = ""
        _run(cell.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=12)
        for line in layout.recipients:
            paragraph = cell.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(0)
            _run(paragraph, line, size=11)


# --- Public API --------------------------------------------------------------------------------

def letter_pdf(letter: Letter, case: Case) -> bytes:
    return render_pdf(letter_layout(letter, case))


def letter_docx(letter: Letter, case: Case) -> bytes:
    return render_docx(letter_layout(letter, case))


def receipt_pdf(case: Case, attachments: Sequence = (), staff_name: str | None = None) -> bytes:
    """R4: the "Phiếu tiếp nhận" with signature lines for the customer and the staff member.

    `attachments` may be attachment records (with .filename) or plain file names.
    """
    names = [getattr(a, "filename", a) for a in attachments]
    return render_pdf(receipt_layout(case, names, staff_name))


def confirmation_pdf(case: Case, at: datetime | None = None) -> bytes:
    """R3: the printable confirmation stating the ticket code and status."""
    return render_pdf(confirmation_layout(case, at or utcnow()))
