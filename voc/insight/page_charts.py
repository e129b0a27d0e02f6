"""The read queries behind each VOC page's charts, for the benchmark and the empty-database test."""
from __future__ import annotations

from voc.insight.process_metrics import kpis, sla_compliance, staff_performance, state_durations
from voc.insight.reply_queue import reply_queue
from voc.insight.root_cause_report import open_fixes, root_cause_summary
from voc.insight.themes_trends import emerging_issues, followup_outcomes, recurrence, theme_volume, top_issues
from voc.insight.verbatims import search_verbatims, search_volume


# The charts of each page, for the benchmark: name -> (function, keyword arguments).
PAGE_CHARTS: dict[str, dict[str, tuple]] = {
    "monitor": {
        "kpis": (kpis, {}),
        "theme_volume_week": (theme_volume, {"grain": "week"}),
        "theme_volume_month": (theme_volume, {"grain": "month"}),
        "top_issues": (top_issues, {}),
        "emerging_issues": (emerging_issues, {}),
        "recurrence": (recurrence, {}),
        "followup_outcomes": (followup_outcomes, {}),
        "state_durations": (state_durations, {}),
        "sla_by_week": (sla_compliance, {"by": "week"}),
        "sla_by_branch": (sla_compliance, {"by": "branch"}),
        "staff_performance": (staff_performance, {}),
        "root_cause_summary": (root_cause_summary, {}),
        "open_fixes": (open_fixes, {}),
    },
    "listen": {
        "search_volume": (search_volume, {}),
        "search_verbatims": (search_verbatims, {}),
    },
    "respond": {
        "reply_queue": (reply_queue, {}),
    },
}
