-- The managed list of branches (issue #14): every account's and case's branch is one of these, so a
-- typed "Ha Noi" can no longer open a branch scope of its own. Seeded from the branches already used
-- by accounts and cases (none is lost) and the demo data's branches. Later changes are audited
-- (voc.branches).
-- Accounts get an optional e-mail address for staff notifications (issue #11).
CREATE SEQUENCE branch_id_seq START 1;

CREATE TABLE branches (
    id          BIGINT PRIMARY KEY DEFAULT nextval('branch_id_seq'),
    name        VARCHAR NOT NULL UNIQUE,
    active      BOOLEAN NOT NULL DEFAULT true,
    created_at  TIMESTAMP NOT NULL
);

INSERT INTO branches (name, created_at)
SELECT name, now()::TIMESTAMP FROM (
    SELECT branch AS name FROM users WHERE trim(branch) <> ''
    UNION SELECT branch FROM cases WHERE trim(branch) <> ''
    UNION SELECT name FROM (VALUES ('Hà Nội'), ('TP. Hồ Chí Minh'), ('Đà Nẵng')) AS demo(name)
) AS used ORDER BY name;

ALTER TABLE users ADD COLUMN email VARCHAR;
