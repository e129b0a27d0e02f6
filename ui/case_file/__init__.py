"""The sections of a case file (Hồ sơ), one component each: a `show(...)` owning its widget keys."""
