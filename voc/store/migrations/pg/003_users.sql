-- Accounts for the login gate. Passwords are stored only as Argon2id hashes.
CREATE TABLE users (
    username         VARCHAR PRIMARY KEY,
    display_name     VARCHAR NOT NULL,
    role             VARCHAR NOT NULL,
    branch           VARCHAR,
    password_hash    VARCHAR NOT NULL,
    active           BOOLEAN NOT NULL DEFAULT true,
    failed_attempts  INTEGER NOT NULL DEFAULT 0,
    locked_until     TIMESTAMP,
    created_at       TIMESTAMP NOT NULL,
    password_changed_at TIMESTAMP NOT NULL
);
