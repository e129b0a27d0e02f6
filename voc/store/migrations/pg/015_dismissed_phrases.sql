-- Discovery's noise phrases that QA dismissed for good (issue #14, item 25): every later discovery run
-- leaves them out. One row per folded phrase; dismissing and restoring are audited in events.
CREATE TABLE dismissed_phrases (
    phrase_key    VARCHAR PRIMARY KEY,   -- folded syllables, as discovery compares phrases ("giai thich")
    phrase        VARCHAR NOT NULL,      -- as QA saw it in the list
    dismissed_by  VARCHAR NOT NULL,      -- username
    dismissed_at  TIMESTAMP NOT NULL,
    note          VARCHAR
);
