-- Login sessions that survive a page reload or a new tab: the browser keeps a random token in a
-- cookie; only the token's SHA-256 is stored here.
CREATE TABLE user_sessions (
    token_hash    VARCHAR PRIMARY KEY,
    username      VARCHAR NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    last_seen_at  TIMESTAMP NOT NULL,
    ended_at      TIMESTAMP,
    end_reason    VARCHAR
);
CREATE INDEX user_sessions_username ON user_sessions (username);
