-- Server mode at scale (issue #13): the desk's own reads on PostgreSQL use indexes. At 1M cases without
-- them, a case file's timeline scanned all 7.8M events (2.1 s), its letters all letters (0.7 s), the
-- case list sorted every case for its first page (3.2 s), and each intake's look-up of the customer's
-- other cases by phone or e-mail scanned every case (0.8-5.6 s). The DuckDB file needs none (migrations/027:
-- its columnar scans of these tables take milliseconds, and its indexes do not serve ORDER BY).
CREATE INDEX IF NOT EXISTS events_entity ON events (entity, entity_id, id);
CREATE INDEX IF NOT EXISTS letters_case ON letters (case_id, issued_at, id);
CREATE INDEX IF NOT EXISTS letters_supersedes ON letters (supersedes) WHERE supersedes IS NOT NULL;
CREATE INDEX IF NOT EXISTS attachments_case ON attachments (case_id);
CREATE INDEX IF NOT EXISTS theme_labels_case ON theme_labels (case_id);
CREATE INDEX IF NOT EXISTS cases_received ON cases (received_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS cases_customer_name ON cases (customer_name);

-- The customer's cases by the end of their phone number (case_store.cases_of_contact): 001's ends_with,
-- written so that an index serves it (a value's suffix is a prefix of its reverse; the same result for
-- every value, NULL included), over the digits of the phone as case_store.PHONE_DIGITS_SQL writes them.
CREATE OR REPLACE FUNCTION ends_with(value TEXT, suffix TEXT) RETURNS BOOLEAN LANGUAGE sql IMMUTABLE AS $$
    SELECT starts_with(reverse(value), reverse(suffix))
$$;
CREATE INDEX IF NOT EXISTS cases_phone_digits_reversed
    ON cases ((reverse(regexp_replace(coalesce(customer_phone, ''), '[^0-9]', '', 'g'))) text_pattern_ops);
CREATE INDEX IF NOT EXISTS cases_email ON cases ((lower(trim(customer_email))));
