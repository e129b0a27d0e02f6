-- DuckDB's 020 writes voc_event_text without calls to other macros, for EXPORT/IMPORT DATABASE. PostgreSQL's
-- functions need no change (pg_dump restores functions without checking their bodies): nothing to do.
SELECT 1;
