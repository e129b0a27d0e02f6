-- Server mode (issue #13): the change log of the tables the analytics read. On PostgreSQL triggers fill
-- it (migrations/pg/023), and each process's DuckDB copy of those tables (voc.insight.replica) re-reads
-- the rows it names; its newest transaction is the data version of the per-process caches. The DuckDB
-- file has one process and no copy: the table stays empty there, kept so both schemas match.
CREATE TABLE replica_changes (
    xid          UBIGINT NOT NULL,      -- the writing transaction (PostgreSQL: xid8)
    table_name   VARCHAR NOT NULL,
    row_key      BIGINT,                -- the rows copied together (voc.insight.replica.TABLES); NULL: all
    recorded_at  TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP)
);
