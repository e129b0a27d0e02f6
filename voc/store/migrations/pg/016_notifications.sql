-- Staff notifications by e-mail (issue #11), through the outbox.
-- Each user's choices, set on the home page; a user without a row has the defaults (voc.mail.notifications).
CREATE TABLE notification_settings (
    username    VARCHAR PRIMARY KEY,
    due_digest  BOOLEAN NOT NULL,   -- replies/resolutions of my branch due within due_hours, and overdue ones
    due_hours   INTEGER NOT NULL,
    new_case    BOOLEAN NOT NULL,   -- a new case in my branch
    alerts      BOOLEAN NOT NULL,   -- emerging-issue alerts (QA and managers)
    updated_at  TIMESTAMP NOT NULL
);

-- One row per notification ever queued, under a key that makes it once: a second pass (or a second
-- process) inserting the same key fails and rolls its mail back with it.
--   digest:<user>:after:<Message-ID of the user's previous digest, or 'first'>   (at most one an hour)
--   new_case:<user>:<case id>
--   alert:<user>:<theme>:<ISO week of the alert>
CREATE TABLE notifications_sent (
    dedupe_key  VARCHAR PRIMARY KEY,
    username    VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,   -- voc.mail.notifications.NoticeKind
    message_id  VARCHAR NOT NULL,   -- the mail_outbox row
    items       INTEGER NOT NULL,   -- cases listed (digest) or 1
    queued_at   TIMESTAMP NOT NULL
);
