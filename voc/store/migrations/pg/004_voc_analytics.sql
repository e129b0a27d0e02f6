-- VOC analytics: stored reply-check scores of issued letters, and per-case hours spent in each
-- status derived from the audit log (a pre-aggregate refreshed incrementally by voc.analytics).
CREATE TABLE reply_checks (
    letter_id        BIGINT PRIMARY KEY,
    case_id          BIGINT NOT NULL,
    score            INTEGER NOT NULL,
    codes            JSON,               -- the finding codes, e.g. ["excuse","no_plan_time"]
    checked_at       TIMESTAMP NOT NULL,
    checker_version  INTEGER NOT NULL
);

CREATE TABLE case_state_hours (
    case_id            BIGINT PRIMARY KEY,
    received           DOUBLE PRECISION,           -- total hours in each status, completed spans only
    verifying          DOUBLE PRECISION,
    replied            DOUBLE PRECISION,
    awaiting_customer  DOUBLE PRECISION,
    resolved           DOUBLE PRECISION
);

CREATE TABLE analytics_watermarks (
    name   VARCHAR PRIMARY KEY,
    value  BIGINT NOT NULL
);
