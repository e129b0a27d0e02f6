-- PostgreSQL's 025 adds DuckDB's strftime(value, format) there; DuckDB has it: nothing to do.
SELECT 1;
