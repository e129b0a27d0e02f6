"""The numbered migrations of both backends: voc/store/migrations/NNN_name.sql for DuckDB and
voc/store/migrations/pg/NNN_name.sql for PostgreSQL, the same numbers and names, table for table and
column for column (tests/store/test_server_mode.py checks it); each set in its engine's own SQL."""
from __future__ import annotations

import re
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
PG_MIGRATIONS_DIR = MIGRATIONS_DIR / "pg"
_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


def available_migrations(folder: Path = MIGRATIONS_DIR) -> list[tuple[int, str, Path]]:
    """The numbered migrations of one backend, in order: (version, name, path)."""
    found = []
    for path in sorted(folder.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), match.group(2), path))
    return found
