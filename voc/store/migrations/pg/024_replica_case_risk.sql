-- Server mode: the cases' risk (019's case_risk, Giám sát's "Cảm xúc & rủi ro" and the SLA board's sort
-- by risk) is read from the analytics copy too, so its changes go to the change log like case_themes'.
CREATE INDEX IF NOT EXISTS replica_case_risk_case ON case_risk (case_id);
CREATE TRIGGER replica_log_insert AFTER INSERT ON case_risk REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION voc_log_changes('case_id');
CREATE TRIGGER replica_log_update AFTER UPDATE ON case_risk REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION voc_log_changes('case_id');
CREATE TRIGGER replica_log_delete AFTER DELETE ON case_risk REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION voc_log_changes('case_id');
CREATE TRIGGER replica_log_truncate AFTER TRUNCATE ON case_risk
    FOR EACH STATEMENT EXECUTE FUNCTION voc_log_changes('case_id');
