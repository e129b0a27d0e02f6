"""The append-only audit log (R11): who did what, when, before and after.

Every state change calls `record_event` with the same cursor, inside the same
transaction as the change itself, so a change and its event commit or fail together.
There is deliberately no function that updates or deletes an event.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from voc.clock import to_db, utcnow
from voc.store.pending import PendingRows, insert


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(_jsonable(value), ensure_ascii=False)


def record_event(
    cur,
    actor: str,
    entity: str,
    entity_id: str | int,
    action: str,
    before: Any = None,
    after: Any = None,
    note: str | None = None,
    at: datetime | None = None,
    pending: PendingRows | None = None,
) -> None:
    """`at` is when it happened (an intake may give the past time of a call); the event also keeps when it
    was written, which is now. `pending`: held to the end of the caller's batch (voc.store.pending), in
    order with the batch's other events, and committed with them in the same transaction."""
    now = utcnow()
    insert(cur, pending, "events",
           ("occurred_at", "actor", "entity", "entity_id", "action", "before", "after", "note", "recorded_at"),
           [to_db(at or now), actor, entity, str(entity_id), action, _dump(before), _dump(after), note, to_db(now)])


@dataclass(frozen=True)
class Event:
    id: int
    at: datetime
    actor: str
    entity: str
    entity_id: str
    action: str
    before: dict | None
    after: dict | None
    note: str | None
    actor_name: str | None = None    # the account's display name, when the actor is an account
    recorded_at: datetime | None = None  # when it was written; None for events from before migration 014

    @property
    def who(self) -> str:
        """The person as users know them: "Display Name (username)", or the bare username."""
        return f"{self.actor_name} ({self.actor})" if self.actor_name else self.actor


def events_for(cur, entity: str, entity_id: str | int) -> list[Event]:
    from voc.clock import from_db

    rows = cur.execute(
        "SELECT e.id, e.occurred_at, e.actor, e.entity, e.entity_id, e.action, e.before, e.after, e.note, "
        "u.display_name, e.recorded_at FROM events e LEFT JOIN users u ON u.username = e.actor "
        "WHERE e.entity = ? AND e.entity_id = ? ORDER BY e.id",
        [entity, str(entity_id)],
    ).fetchall()
    return [
        Event(r[0], from_db(r[1]), r[2], r[3], r[4], r[5],
              json.loads(r[6]) if r[6] else None, json.loads(r[7]) if r[7] else None, r[8], r[9], from_db(r[10]))
        for r in rows
    ]
