"""First-start set-up of a database: shipped defaults that later features need."""
from __future__ import annotations

import importlib

# Modules that seed defaults from data/ with ensure_defaults(db); each is idempotent.
_SEEDERS = ("voc.taxonomy",)


def ensure_defaults(db) -> None:
    for name in _SEEDERS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        module.ensure_defaults(db)
