-- Server mode (issue #13): the change log of the tables the analytics read. Each process keeps a DuckDB
-- copy of those tables (voc.insight.replica) and re-reads only the rows named here by transactions it has
-- not seen (xid at or after the oldest transaction still running at its previous refresh); the newest
-- transaction logged is the data version of the per-process caches (voc.insight.analytics.data_version).
CREATE TABLE replica_changes (
    xid          xid8 NOT NULL DEFAULT pg_current_xact_id(),
    table_name   VARCHAR NOT NULL,
    row_key      BIGINT,                -- the rows copied together (voc.insight.replica.TABLES); NULL: all
    recorded_at  TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);
CREATE INDEX replica_changes_xid ON replica_changes (xid);
CREATE INDEX replica_changes_recorded ON replica_changes (recorded_at);

-- The copy re-reads a changed case's rows of these tables by case.
CREATE INDEX IF NOT EXISTS replica_case_themes_case ON case_themes (case_id);
CREATE INDEX IF NOT EXISTS replica_followups_case ON followups (case_id);

-- One statement, one log row per key it touched (old and new keys of an update): statement triggers
-- with transition tables, so a bulk insert costs one INSERT ... SELECT, not a trigger call per row.
CREATE FUNCTION voc_log_changes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    key_column text := TG_ARGV[0];
BEGIN
    IF TG_OP = 'TRUNCATE' OR key_column IS NULL THEN
        INSERT INTO replica_changes (table_name, row_key) VALUES (TG_TABLE_NAME, NULL);
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        EXECUTE format('INSERT INTO replica_changes (table_name, row_key) SELECT DISTINCT %L, %I FROM new_rows',
                       TG_TABLE_NAME, key_column);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        EXECUTE format('INSERT INTO replica_changes (table_name, row_key) SELECT DISTINCT %L, %I FROM old_rows',
                       TG_TABLE_NAME, key_column);
    END IF;
    RETURN NULL;
END $$;

DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES ('cases', 'id'), ('case_rounds', 'case_id'), ('case_themes', 'case_id'),
                                   ('events', 'id'), ('letters', 'id'), ('reply_checks', 'letter_id'),
                                   ('reply_reviews', 'id'), ('followups', 'case_id'), ('root_causes', 'case_id'),
                                   ('themes', NULL)) AS v(name, key_column) LOOP
        IF t.key_column IS NULL THEN
            EXECUTE format('CREATE TRIGGER replica_log AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
                           'FOR EACH STATEMENT EXECUTE FUNCTION voc_log_changes()', t.name);
            CONTINUE;
        END IF;
        EXECUTE format('CREATE TRIGGER replica_log_insert AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION voc_log_changes(%L)', t.name, t.key_column);
        EXECUTE format('CREATE TRIGGER replica_log_update AFTER UPDATE ON %I '
                       'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION voc_log_changes(%L)', t.name, t.key_column);
        EXECUTE format('CREATE TRIGGER replica_log_delete AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION voc_log_changes(%L)', t.name, t.key_column);
        EXECUTE format('CREATE TRIGGER replica_log_truncate AFTER TRUNCATE ON %I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION voc_log_changes(%L)', t.name, t.key_column);
    END LOOP;
END $$;
