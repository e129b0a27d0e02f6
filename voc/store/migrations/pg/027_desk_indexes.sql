-- Server mode at scale (issue #13): the desk's own reads on PostgreSQL use indexes. At 1M cases without
-- them, a case file's timeline scanned all 7.8M events (2.1 s), its letters all letters (0.7 s), and the
-- case list sorted every case for its first page (3.2 s). The DuckDB file needs none (migrations/027:
-- its columnar scans of these tables take milliseconds, and its indexes do not serve ORDER BY).
CREATE INDEX IF NOT EXISTS events_entity ON events (entity, entity_id, id);
CREATE INDEX IF NOT EXISTS letters_case ON letters (case_id, issued_at, id);
CREATE INDEX IF NOT EXISTS letters_supersedes ON letters (supersedes) WHERE supersedes IS NOT NULL;
CREATE INDEX IF NOT EXISTS attachments_case ON attachments (case_id);
CREATE INDEX IF NOT EXISTS theme_labels_case ON theme_labels (case_id);
CREATE INDEX IF NOT EXISTS cases_received ON cases (received_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS cases_customer_name ON cases (customer_name);
