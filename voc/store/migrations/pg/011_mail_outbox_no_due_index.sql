-- DuckDB's 011 drops the outbox's (status, next_attempt_at) index, which DuckDB does not use. PostgreSQL
-- does use it for the sender's claim of due mail, so here the index stays: this number changes nothing.
SELECT 1;
