-- QA's review of issued reply letters (issue #14, item 26): who reviewed which letter, when, and the
-- comment to its writer. Append-only like the letters themselves: a later review adds a row.
CREATE SEQUENCE reply_review_id_seq START 1;

CREATE TABLE reply_reviews (
    id           BIGINT PRIMARY KEY DEFAULT nextval('reply_review_id_seq'),
    letter_id    BIGINT NOT NULL,
    case_id      BIGINT NOT NULL,
    reviewer     VARCHAR NOT NULL,   -- username
    reviewed_at  TIMESTAMP NOT NULL,
    comment      VARCHAR             -- to the letter's writer; NULL when none
);
CREATE INDEX reply_reviews_letter ON reply_reviews (letter_id);
