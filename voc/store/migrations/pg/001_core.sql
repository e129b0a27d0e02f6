-- Core schema: cases, their rounds, letters, attachments, the audit log, policy settings.
-- Times are naive TIMESTAMPs holding UTC.
-- PostgreSQL's set (voc/store/migrations/pg/): the same numbers, tables and columns as DuckDB's, in
-- PostgreSQL's types (DOUBLE PRECISION, BYTEA), plus the functions voc.store.dialect translates to.
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        VARCHAR NOT NULL,
    applied_at  TIMESTAMP NOT NULL
);

CREATE SEQUENCE case_id_seq START 1;
CREATE SEQUENCE ticket_no_seq START 1;
CREATE SEQUENCE event_id_seq START 1;
CREATE SEQUENCE letter_id_seq START 1;
CREATE SEQUENCE attachment_id_seq START 1;

CREATE TABLE cases (
    id                 BIGINT PRIMARY KEY DEFAULT nextval('case_id_seq'),
    ticket_code        VARCHAR NOT NULL UNIQUE,
    received_at        TIMESTAMP NOT NULL,
    channel            VARCHAR NOT NULL,
    issue_kind         VARCHAR NOT NULL,
    service            VARCHAR NOT NULL,
    customer_name      VARCHAR NOT NULL,
    customer_phone     VARCHAR,
    customer_email     VARCHAR,
    customer_address   VARCHAR,
    event_date         DATE,
    content            VARCHAR NOT NULL,
    request            VARCHAR,
    search_text        VARCHAR,          -- folded (lower-case, diacritics-free) content + request + customer
    status             VARCHAR NOT NULL,
    round              INTEGER NOT NULL DEFAULT 1,
    round_opened_at    TIMESTAMP NOT NULL,
    reply_due_at       TIMESTAMP NOT NULL,
    resolution_due_at  TIMESTAMP NOT NULL,
    round_replied_at   TIMESTAMP,        -- first reply/invitation of the current round
    first_reply_at     TIMESTAMP,        -- first reply of round 1
    resolved_at        TIMESTAMP,
    closed_at          TIMESTAMP,
    late_complaint     BOOLEAN NOT NULL DEFAULT false,
    late_reason        VARCHAR,
    referral_body      VARCHAR,
    referral_date      DATE,
    staff              VARCHAR,
    branch             VARCHAR,
    is_demo            BOOLEAN NOT NULL DEFAULT false,
    intake_key         VARCHAR UNIQUE,   -- one submission of the intake form saves one case
    version            INTEGER NOT NULL DEFAULT 1,
    updated_at         TIMESTAMP
);

CREATE TABLE case_rounds (
    case_id            BIGINT NOT NULL,
    round              INTEGER NOT NULL,
    opened_at          TIMESTAMP NOT NULL,
    reply_due_at       TIMESTAMP NOT NULL,
    resolution_due_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (case_id, round)
);

-- Append-only audit log (R11): the code only ever INSERTs here.
CREATE TABLE events (
    id         BIGINT PRIMARY KEY DEFAULT nextval('event_id_seq'),
    occurred_at TIMESTAMP NOT NULL,
    actor      VARCHAR NOT NULL,
    entity     VARCHAR NOT NULL,       -- case, letter, attachment, setting, theme, glossary, user ...
    entity_id  VARCHAR NOT NULL,
    action     VARCHAR NOT NULL,
    before     JSON,
    after      JSON,
    note       VARCHAR
);

CREATE TABLE letters (
    id              BIGINT PRIMARY KEY DEFAULT nextval('letter_id_seq'),
    case_id         BIGINT NOT NULL,
    round           INTEGER NOT NULL,
    kind            VARCHAR NOT NULL,  -- reply, invitation
    doc_number      VARCHAR NOT NULL UNIQUE,
    subject         VARCHAR NOT NULL,
    body            VARCHAR NOT NULL,
    meeting_at      TIMESTAMP,
    meeting_place   VARCHAR,
    issued_at       TIMESTAMP NOT NULL,
    issued_by       VARCHAR NOT NULL,
    supersedes      BIGINT
);

CREATE TABLE attachments (
    id           BIGINT PRIMARY KEY DEFAULT nextval('attachment_id_seq'),
    case_id      BIGINT NOT NULL,
    filename     VARCHAR NOT NULL,
    mime_type    VARCHAR NOT NULL,
    size_bytes   BIGINT NOT NULL,
    sha256       VARCHAR NOT NULL,
    content      BYTEA NOT NULL,
    uploaded_at  TIMESTAMP NOT NULL,
    uploaded_by  VARCHAR NOT NULL
);

CREATE TABLE followups (
    case_id       BIGINT NOT NULL,
    contacted_at  TIMESTAMP NOT NULL,
    satisfaction  INTEGER NOT NULL CHECK (satisfaction BETWEEN 1 AND 5),
    note          VARCHAR,
    recorded_by   VARCHAR NOT NULL
);

CREATE TABLE settings (
    key    VARCHAR PRIMARY KEY,
    value  VARCHAR NOT NULL
);

-- DuckDB's string functions the desk's SQL uses, under their DuckDB names (inlined by the planner).
CREATE FUNCTION contains(haystack TEXT, needle TEXT) RETURNS BOOLEAN LANGUAGE sql IMMUTABLE AS $$
    SELECT strpos(haystack, needle) > 0
$$;
CREATE FUNCTION ends_with(value TEXT, suffix TEXT) RETURNS BOOLEAN LANGUAGE sql IMMUTABLE AS $$
    SELECT right(value, length(suffix)) = suffix
$$;

-- DuckDB's date_diff: the number of `part` boundaries between two times (second, minute, hour, day).
CREATE FUNCTION date_diff(part TEXT, start_at TIMESTAMP, end_at TIMESTAMP) RETURNS BIGINT
LANGUAGE sql IMMUTABLE AS $$
    SELECT (extract(epoch FROM date_trunc(part, end_at) - date_trunc(part, start_at))
            / CASE lower(part) WHEN 'second' THEN 1 WHEN 'minute' THEN 60 WHEN 'hour' THEN 3600
                               WHEN 'day' THEN 86400 END)::BIGINT
$$;

-- DuckDB's table function range(start, stop, step): start, start + step ... before stop.
CREATE FUNCTION range(start_at TIMESTAMP, stop_at TIMESTAMP, step INTERVAL) RETURNS SETOF TIMESTAMP
LANGUAGE sql IMMUTABLE AS $$
    SELECT g FROM generate_series(start_at, stop_at, step) AS g WHERE g < stop_at
$$;
CREATE FUNCTION range(stop_at BIGINT) RETURNS SETOF BIGINT LANGUAGE sql IMMUTABLE AS $$
    SELECT generate_series(0, stop_at - 1)
$$;

-- TRY_CAST(x AS BIGINT) of the DuckDB SQL (voc.store.dialect): NULL when x is not a whole number.
CREATE FUNCTION voc_try_bigint(value TEXT) RETURNS BIGINT LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN value ~ '^\s*[-+]?[0-9]{1,18}\s*$' THEN trim(value)::BIGINT END
$$;
