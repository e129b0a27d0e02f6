-- When each audit event was written into the system (issue #14, item 8; R11). occurred_at stays the time
-- the thing happened, which an intake may back-date (the hotline call's time); recorded_at is the clock
-- at the moment of writing. NULL for events written before this column: recorded when they occurred,
-- as far as anyone knows.
ALTER TABLE events ADD COLUMN recorded_at TIMESTAMP;
