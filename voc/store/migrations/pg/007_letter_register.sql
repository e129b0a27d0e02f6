-- The outgoing register (sổ công văn đi, issue #14): letter numbers are consecutive per year, one
-- register for replies and invitations alike, drawn from this counter in the issuing transaction
-- (no longer from letter_id_seq, which also gives row ids). Existing letters keep their numbers;
-- each year's counter continues from the highest number already issued in it.
CREATE TABLE letter_counters (
    year         INTEGER PRIMARY KEY,
    last_number  BIGINT NOT NULL
);

INSERT INTO letter_counters (year, last_number)
SELECT year, max(number) FROM (
    SELECT voc_try_bigint(split_part(doc_number, '/', 2)) AS year,
           voc_try_bigint(split_part(doc_number, '/', 1)) AS number
    FROM letters
) AS issued WHERE year IS NOT NULL AND number IS NOT NULL
GROUP BY year;

-- How, to whom and when an issued letter was sent (voc.model.LetterDelivery). NULL for letters
-- issued before this migration. For e-mail, delivered_at is when the letter was handed to the outbox.
ALTER TABLE letters ADD COLUMN delivery_method VARCHAR;
ALTER TABLE letters ADD COLUMN delivery_recipient VARCHAR;
ALTER TABLE letters ADD COLUMN delivered_at TIMESTAMP;
