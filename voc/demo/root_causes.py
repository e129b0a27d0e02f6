"""The root causes staff record for about half of the resolved demo cases (SPEC, Respond):
when, which category, cause and fix, and the columns the inserts take from them."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import numpy as np
import pyarrow as pa

from voc.demo.arrivals import Arrivals
from voc.demo.calendars import DAY, HOUR, NEVER, _day_date, _Desk, _fmt_day, _local_day
from voc.demo.chunk import _Chunk
from voc.demo.columns import _dates, _strings, _ts
from voc.demo.histories import BACKLOG_DAYS, OUTCOME1, OUTCOME2, ROOT_CAUSE, Plan, _RootCausePlan
from voc.demo.texts_themes import THEMES
from voc.model import RootCauseCategory
from voc.desk.root_causes import RootCause

# Where the fault usually lay for each demo theme; some cases turn out to be on the customer's side.
_THEME_CAUSE = {"downtime": RootCauseCategory.INFRASTRUCTURE, "slowness": RootCauseCategory.INFRASTRUCTURE,
                "email_delivery": RootCauseCategory.THIRD_PARTY, "domain_dns": RootCauseCategory.THIRD_PARTY,
                "ssl": RootCauseCategory.SOFTWARE, "data_loss": RootCauseCategory.INFRASTRUCTURE,
                "security": RootCauseCategory.SOFTWARE, "control_panel": RootCauseCategory.SOFTWARE}
_CAUSE_OWNERS = {RootCauseCategory.INFRASTRUCTURE: "Phòng hạ tầng", RootCauseCategory.SOFTWARE: "Nhóm phát triển",
                 RootCauseCategory.PROCESS: "Phòng CSKH", RootCauseCategory.THIRD_PARTY: "Nhóm đối tác",
                 RootCauseCategory.CUSTOMER_SIDE: "Phòng CSKH", RootCauseCategory.OTHER: "Ban chất lượng"}
_CUSTOMER_SIDE = (("khách hàng cấu hình sai trên phía mình", "hướng dẫn khách cấu hình lại và bổ sung bài hướng dẫn"),
                  ("khách hàng dùng vượt giới hạn của gói dịch vụ", "tư vấn gói phù hợp và cảnh báo sớm khi sắp vượt"))


def _plan_root_causes(plan: Plan, arr: Arrivals, desk: _Desk, until_s: int) -> None:
    """Add the ROOT_CAUSE step. Its own random stream (seeded from the arrivals), so the rest of the
    demo stays as it was: staff find the cause within two office days of resolving. A fix done soon
    after (70% of recent cases, every older one) is recorded once done; the others are recorded as
    in progress with a deadline, some of which have passed."""
    n = len(arr.received)
    if n == 0:
        return
    rng = np.random.default_rng([int(arr.received[0]), n, 11])
    t = plan.times
    resolved_at = np.where(plan.agree1, t[:, OUTCOME1], np.where(plan.agree2, t[:, OUTCOME2], NEVER))
    has = (resolved_at < NEVER) & (rng.random(n) < 0.5)
    done = (rng.random(n) < 0.7) | (resolved_at < until_s - BACKLOG_DAYS * DAY)   # old fixes are all done
    found_c = desk.coord(np.where(has, resolved_at, 0)) + rng.integers(HOUR, 2 * desk.DAY, n)
    recorded_c = found_c + np.where(done, rng.integers(desk.DAY, 10 * desk.DAY, n), 0)
    t[:, ROOT_CAUSE] = np.where(has, desk.time(recorded_c), NEVER)
    by_theme = np.array([list(RootCauseCategory).index(_THEME_CAUSE.get(th.key, RootCauseCategory.PROCESS))
                         for th in THEMES], dtype=np.int8)[arr.theme]
    roll = rng.random(n)
    category = np.where(roll < 0.12, list(RootCauseCategory).index(RootCauseCategory.CUSTOMER_SIDE),
                        np.where(roll < 0.15, list(RootCauseCategory).index(RootCauseCategory.OTHER), by_theme))
    plan.root_causes = _RootCausePlan(category.astype(np.int8), rng.integers(0, 1_000, n),
                                      _local_day(desk.time(found_c)) + rng.integers(3, 30, n), done)


def _root_cause_columns(c: _Chunk) -> dict[str, pa.Array]:
    """The recorded root causes of a chunk, with the audit event's `after` as voc.root_causes writes it."""
    p, kept = c.plan, c.state.kept[:, ROOT_CAUSE]
    out: dict[str, list] = {name: [None] * len(c.ids) for name in ("rc_category", "rc_cause", "rc_action",
                                                                    "rc_owner", "rc_after")}
    categories = list(RootCauseCategory)
    rc = p.root_causes
    for i in np.flatnonzero(kept).tolist():
        theme = THEMES[int(c.arr.theme[i])]
        category = categories[int(rc.category[i])]
        k = int(rc.pick[i])
        if category is RootCauseCategory.CUSTOMER_SIDE:
            cause, fix = _CUSTOMER_SIDE[k % len(_CUSTOMER_SIDE)]
        else:
            cause = theme.causes[k % len(theme.causes)].replace("{time}", f"ngày {_fmt_day(p.event_day[i])}")
            fix = theme.fixes[k % len(theme.fixes)]
        cause, fix = cause[:1].upper() + cause[1:], fix[:1].upper() + fix[1:]
        recorded = datetime.fromtimestamp(int(p.times[i, ROOT_CAUSE]), timezone.utc)
        record = RootCause(int(c.ids[i]), category, cause, fix, _CAUSE_OWNERS[category], _day_date(rc.due_day[i]),
                           recorded if rc.done[i] else None, "", recorded)
        for name, value in (("rc_category", category.value), ("rc_cause", cause), ("rc_action", fix),
                            ("rc_owner", record.owner),
                            ("rc_after", json.dumps(record.audit_view(), ensure_ascii=False))):
            out[name][i] = value
    return {**{name: _strings(values) for name, values in out.items()},
            "rc_due": _dates(rc.due_day, mask=~kept),
            "rc_done_at": _ts(np.where(kept & rc.done, p.times[:, ROOT_CAUSE], NEVER))}
