-- The outbox (issue #11): every mail the desk sends is written here in the same transaction as the
-- change that causes it; a sender delivers it with retries and backoff. message_id is ours (on our
-- domain) and is how a customer's answer threads back (In-Reply-To / References).
CREATE SEQUENCE mail_outbox_id_seq START 1;

CREATE TABLE mail_outbox (
    id               BIGINT PRIMARY KEY DEFAULT nextval('mail_outbox_id_seq'),
    message_id       VARCHAR NOT NULL UNIQUE,   -- '<...@domain>' as in the header
    case_id          BIGINT,                    -- NULL for staff notifications not about one case
    letter_id        BIGINT,                    -- set when the mail carries an issued letter
    kind             VARCHAR NOT NULL,          -- voc.mail.outbox.MailKind
    to_address       VARCHAR NOT NULL,
    to_name          VARCHAR,
    subject          VARCHAR NOT NULL,
    body_text        VARCHAR NOT NULL,
    in_reply_to      VARCHAR,
    references_ids   VARCHAR,                   -- space-separated Message-IDs
    auto_submitted   BOOLEAN NOT NULL,          -- Auto-Submitted: auto-generated
    attachment_name  VARCHAR,
    attachment_type  VARCHAR,
    attachment       BYTEA,
    status           VARCHAR NOT NULL,          -- queued, sent, failed (given up)
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP NOT NULL,
    last_error       VARCHAR,
    queued_at        TIMESTAMP NOT NULL,
    queued_by        VARCHAR NOT NULL,
    sent_at          TIMESTAMP
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
CREATE INDEX mail_outbox_case ON mail_outbox (case_id);
