"""The demo's letters: reply letters and invitations to a meeting, as staff wrote them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np
import pyarrow as pa

from voc.demo.arrivals import SERVICES
from voc.demo.calendars import DAY, NEVER, _fmt_day, _fmt_local, _local_years
from voc.demo.chunk import _Chunk
from voc.demo.columns import _codes, _strings, _ts
from voc.demo.histories import LETTER1, LETTER2, Plan, State
from voc.demo.people import _WRITING, CITIES, STAFF
from voc.demo.sequences import _reserve
from voc.demo.texts_cases import _uniforms
from voc.demo.texts_compose import pick
from voc.demo.texts_themes import THEMES, Theme
from voc.desk.letters import format_doc_number, reserve_doc_numbers
from voc.desk.templates import company
from voc.model import LetterKind

LETTER_OPENINGS = (
    "{short} xin chân thành cảm ơn Quý khách đã dành thời gian phản ánh về dịch vụ {service} (hồ sơ {ticket}).",
    "Cảm ơn Quý khách đã liên hệ và phản ánh về {theme} đối với dịch vụ {service} (hồ sơ {ticket}).",
    "{short} đã nhận được phản ánh của Quý khách về {theme} (hồ sơ {ticket}) và xin cảm ơn Quý khách đã thông "
        "báo kịp thời.",
    "Trước hết, chúng tôi thành thật xin lỗi Quý khách vì sự cố {theme} đã gây ảnh hưởng đến công việc của "
        "Quý khách (hồ sơ {ticket}).",
)
LETTER_EXCUSES = (
    "Sự việc xảy ra do lỗi khách quan từ đơn vị cung cấp đường truyền.",
    "Đây là trường hợp bất khả kháng, nằm ngoài tầm kiểm soát của chúng tôi.",
    "Sự cố phát sinh một phần do cấu hình phía Quý khách.",
)
LETTER_PLANS = (
    "Chúng tôi sẽ tiếp tục theo dõi và gửi báo cáo kết quả cho Quý khách trước ngày {deadline}.",
    "Bộ phận kỹ thuật sẽ hoàn tất kiểm tra toàn bộ hệ thống và thông báo cho Quý khách trong vòng 3 ngày.",
    "Chúng tôi sẽ liên hệ lại Quý khách trước 17h ngày {deadline} để xác nhận kết quả.",
)
LETTER_VAGUE_PLANS = (
    "Chúng tôi sẽ tiếp tục theo dõi và cải thiện chất lượng dịch vụ.",
    "Bộ phận kỹ thuật sẽ kiểm tra thêm khi có điều kiện.",
)
LETTER_OWNERSHIP = (
    "Chúng tôi nhận trách nhiệm về sự bất tiện Quý khách đã gặp.",
    "Chúng tôi rất tiếc về trải nghiệm chưa tốt của Quý khách và xin lỗi Quý khách.",
)
LETTER_CLOSINGS = (
    "Nếu cần trao đổi thêm, Quý khách vui lòng liên hệ hotline {hotline}. Trân trọng cảm ơn Quý khách.",
    "Một lần nữa, cảm ơn Quý khách đã tin dùng dịch vụ và dành thời gian góp ý cho chúng tôi.",
    "Trân trọng.",
)
ROUND2_LINE = ("Sau khi nhận được ý kiến chưa đồng ý của Quý khách, chúng tôi đã xem xét lại toàn bộ hồ sơ "
               "và đề xuất phương án giải quyết lần 2 như sau.")


@dataclass
class _LetterRows:
    case_row: np.ndarray   # index into the chunk
    round: np.ndarray
    issued: np.ndarray
    invitation: np.ndarray
    meeting: np.ndarray
    ids: np.ndarray
    doc: list[str]


def _letter_rows(cur, plan: Plan, state: State) -> _LetterRows:
    rows1 = np.flatnonzero(state.kept[:, LETTER1])
    rows2 = np.flatnonzero(state.kept[:, LETTER2])
    case_row = np.concatenate([rows1, rows2])
    rnd = np.concatenate([np.ones(len(rows1), np.int64), np.full(len(rows2), 2)])
    issued = np.concatenate([plan.r1.letter[rows1], plan.r2.letter[rows2]])
    invitation = np.concatenate([plan.r1.invitation[rows1], plan.r2.invitation[rows2]])
    meeting = np.concatenate([plan.r1.meeting[rows1], plan.r2.meeting[rows2]])
    order = np.lexsort((rnd, case_row, issued))
    case_row, rnd, issued, invitation, meeting = (a[order] for a in (case_row, rnd, issued, invitation, meeting))
    ids = _reserve(cur, "letter_id_seq", len(case_row))
    years = _local_years(issued).tolist()
    doc = [format_doc_number(number, y, LetterKind.INVITATION if inv else LetterKind.REPLY)
           for number, y, inv in zip(reserve_doc_numbers(cur, years), years, invitation.tolist())]
    return _LetterRows(case_row, rnd, issued, invitation, meeting, ids, doc)


def _reply_body(rng_u: Iterator[float], name: str, ticket: str, service: str, theme: Theme, round_no: int,
                event_day: int, issued: int, writing: tuple[float, float, float]) -> str:
    """A reply letter: cause, what was done, the plan; some staff add excuses or leave out dates."""
    co = company()
    topic = theme.label[:1].lower() + theme.label[1:]
    opening = pick(LETTER_OPENINGS, next(rng_u)).format(
        short=co.short_name, service=service, ticket=ticket, theme=topic)
    cause = pick(theme.causes, next(rng_u)).replace("{time}", f"ngày {_fmt_day(event_day)}")
    fix = pick(theme.fixes, next(rng_u))
    deadline = _fmt_local(issued + int(3 + next(rng_u) * 5) * DAY, "%d/%m/%Y")
    excuse, vague, no_sorry = (next(rng_u) < p for p in writing)
    plans = LETTER_VAGUE_PLANS if vague else LETTER_PLANS
    plan = pick(plans, next(rng_u)).format(deadline=deadline)
    lines = [f"Kính gửi Quý khách {name},", "", opening]
    if round_no == 2:
        lines.append(ROUND2_LINE)
    lines += ["", "Sau khi xác minh, chúng tôi xin trả lời như sau:", f"- Nguyên nhân: {cause}.",
              f"- Chúng tôi đã thực hiện: {fix}.", f"- Kế hoạch tiếp theo: {plan}", ""]
    if excuse:
        lines.append(pick(LETTER_EXCUSES, next(rng_u)))
    if not no_sorry:
        lines.append(pick(LETTER_OWNERSHIP, next(rng_u)))
    lines.append(pick(LETTER_CLOSINGS, next(rng_u)).format(hotline=co.hotline))
    return "\n".join(lines)


def _invitation_body(name: str, ticket: str, service: str, meeting: int, place: str, content: str) -> str:
    co = company()
    short = content if len(content) <= 120 else content[:117].rstrip() + "…"
    return "\n".join([
        f"Kính gửi Quý khách {name},", "",
        f"{co.short_name} trân trọng cảm ơn Quý khách đã phản ánh về dịch vụ {service} (hồ sơ {ticket}). "
        "Để cùng Quý khách làm rõ và thống nhất hướng giải quyết, chúng tôi trân trọng kính mời Quý khách "
        "đến làm việc trực tiếp:",
        "", f"- Thời gian: {_fmt_local(meeting)}", f"- Địa điểm: {place}",
        f"- Nội dung: trao đổi, giải quyết khiếu nại “{short}”.", "",
        "Khi đến, Quý khách vui lòng mang theo giấy tờ tùy thân và các tài liệu liên quan đến dịch vụ. Nếu thời gian "
        f"trên chưa thuận tiện, Quý khách vui lòng liên hệ hotline {co.hotline} để sắp xếp lại.", "",
        "Trân trọng cảm ơn Quý khách.",
    ])


def _letters_table(rng: np.random.Generator, rows: _LetterRows, chunk: "_Chunk") -> pa.Table:
    u = _uniforms(rng)
    subjects, bodies, places = [], [], []
    rows_of = zip(rows.case_row.tolist(), rows.round.tolist(), rows.invitation.tolist())
    for k, (i, rnd, inv) in enumerate(rows_of):
        ticket, name = chunk.codes[i], chunk.texts.name[i]
        service = SERVICES[chunk.arr.service[i]].label
        second = " (lần 2)" if rnd == 2 else ""
        if inv:
            place = CITIES[chunk.city[i]].office
            subjects.append(f"Giấy mời làm việc về khiếu nại số {ticket}{second}")
            bodies.append(_invitation_body(name, ticket, service, int(rows.meeting[k]), place, chunk.texts.content[i]))
            places.append(place)
        else:
            subjects.append(f"Trả lời khiếu nại số {ticket}{second}")
            bodies.append(_reply_body(u, name, ticket, service, THEMES[chunk.arr.theme[i]], rnd,
                                      int(chunk.plan.event_day[i]), int(rows.issued[k]), _WRITING[chunk.staff[i]]))
            places.append(None)
    kinds = (LetterKind.REPLY.value, LetterKind.INVITATION.value)
    return pa.table({
        "id": rows.ids, "case_id": chunk.ids[rows.case_row], "round": rows.round.astype(np.int32),
        "kind": _codes(kinds, rows.invitation.astype(np.int8)), "doc_number": _strings(rows.doc),
        "subject": _strings(subjects), "body": _strings(bodies),
        "meeting_at": _ts(np.where(rows.invitation, rows.meeting, NEVER)), "meeting_place": _strings(places),
        "issued_at": _ts(rows.issued), "issued_by": _codes(tuple(u for u, _ in STAFF), chunk.staff[rows.case_row]),
    })
