"""How every `python -m voc` command opens the database: `open_database(args)`, the one place that
turns the backend's settings into a database: $VOC_DATABASE_URL (PostgreSQL, server mode), else `--db`
(else $VOC_DB_PATH, else data/voc.duckdb), through voc.store.db.open_db."""
from __future__ import annotations

from voc.store.db import Database, open_db


def open_database(args, *, migrate: bool = True, defaults: bool = False) -> Database:
    """The command's database; `defaults` also seeds the taxonomy and installs tagging at intake
    (voc.setup.ensure_defaults), as the app does, for commands that receive or read cases."""
    db = open_db(args.db, migrate=migrate)
    if defaults:
        from voc.setup import ensure_defaults

        ensure_defaults(db)
    return db
