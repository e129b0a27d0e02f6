-- Inbound mail (issue #11): every message fetched from the complaints mailbox, what became of it,
-- the quarantine of messages that could not become a case, refused attachments, and fetch passes.

-- A case opened from a mail has no event date yet: staff fill it in on the case file (R8 runs then).
ALTER TABLE cases ADD COLUMN event_date_pending BOOLEAN DEFAULT false;

CREATE SEQUENCE mail_fetch_run_id_seq START 1;
CREATE SEQUENCE mail_inbox_id_seq START 1;
CREATE SEQUENCE mail_quarantine_id_seq START 1;
CREATE SEQUENCE mail_refused_attachment_id_seq START 1;

CREATE TABLE mail_fetch_runs (
    id           BIGINT PRIMARY KEY DEFAULT nextval('mail_fetch_run_id_seq'),
    started_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP,
    mailbox      VARCHAR NOT NULL,          -- MailSettings.imap.describe(): never a password
    fetched      INTEGER NOT NULL DEFAULT 0,
    created      INTEGER NOT NULL DEFAULT 0,
    joined       INTEGER NOT NULL DEFAULT 0,
    ignored      INTEGER NOT NULL DEFAULT 0,
    quarantined  INTEGER NOT NULL DEFAULT 0,
    duplicates   INTEGER NOT NULL DEFAULT 0, -- already processed (fetched again before the server mark)
    failed       INTEGER NOT NULL DEFAULT 0, -- left on the server for the next pass
    error        VARCHAR                    -- why the pass stopped early or could not run
);

-- One row per message ever processed. message_key is the Message-ID ('mid:<...>') or, without one,
-- a SHA-256 of the bytes ('sha256:...'); it is written in the same transaction as the case, so a
-- message never makes two cases however often it is fetched.
CREATE TABLE mail_inbox (
    id            BIGINT PRIMARY KEY DEFAULT nextval('mail_inbox_id_seq'),
    message_key   VARCHAR NOT NULL UNIQUE,
    message_id    VARCHAR,
    outcome       VARCHAR NOT NULL,         -- voc.mail.inbound.Outcome: created, joined, ignored, quarantined
    reason        VARCHAR,                  -- why ignored or quarantined; how a reply was threaded
    case_id       BIGINT,
    from_address  VARCHAR,
    from_name     VARCHAR,
    subject       VARCHAR,
    body_text     VARCHAR,                  -- the text as it went onto the case
    size_bytes    BIGINT NOT NULL,
    sha256        VARCHAR NOT NULL,
    raw           BYTEA,                     -- the original, kept when an attachment was refused
    received_at   TIMESTAMP NOT NULL,       -- arrival at the mailbox (IMAP INTERNALDATE)
    processed_at  TIMESTAMP NOT NULL,
    fetch_run_id  BIGINT
);
CREATE INDEX mail_inbox_message_id ON mail_inbox (message_id);
CREATE INDEX mail_inbox_case ON mail_inbox (case_id);

CREATE TABLE mail_quarantine (
    id               BIGINT PRIMARY KEY DEFAULT nextval('mail_quarantine_id_seq'),
    inbox_id         BIGINT NOT NULL,
    reason           VARCHAR NOT NULL,
    from_text        VARCHAR,
    subject          VARCHAR,
    size_bytes       BIGINT NOT NULL,
    raw              BYTEA NOT NULL,         -- the message as fetched (headers only past the keep limit)
    raw_complete     BOOLEAN NOT NULL,
    status           VARCHAR NOT NULL,      -- voc.mail.quarantine.QuarantineStatus
    case_id          BIGINT,
    quarantined_at   TIMESTAMP NOT NULL,
    resolved_at      TIMESTAMP,
    resolved_by      VARCHAR,
    resolution_note  VARCHAR
);

-- Attachments of a mail that the intake rules refused (type, size, content): listed on the case.
CREATE TABLE mail_refused_attachments (
    id             BIGINT PRIMARY KEY DEFAULT nextval('mail_refused_attachment_id_seq'),
    case_id        BIGINT NOT NULL,
    inbox_id       BIGINT NOT NULL,
    filename       VARCHAR NOT NULL,
    declared_type  VARCHAR,
    size_bytes     BIGINT NOT NULL,
    sha256         VARCHAR NOT NULL,
    reason         VARCHAR NOT NULL,
    refused_at     TIMESTAMP NOT NULL
);
CREATE INDEX mail_refused_attachments_case ON mail_refused_attachments (case_id);
