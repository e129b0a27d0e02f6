-- Server mode: the users table goes to the change log (migration 023), so a display name, role, branch,
-- activity or e-mail changed in one process changes the data version the other processes' caches are keyed
-- on, and their analytics copies re-read the (small) table whole. An update logs only when it sets a column
-- the copy keeps (voc.insight.replica.REDUCED: not the password or the sign-in counters).
CREATE TRIGGER replica_log_insert AFTER INSERT OR DELETE OR TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION voc_log_changes();
CREATE TRIGGER replica_log_update AFTER UPDATE OF username, display_name, role, branch, active, email ON users
    FOR EACH STATEMENT EXECUTE FUNCTION voc_log_changes();
