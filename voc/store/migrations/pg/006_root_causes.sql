-- The internal side of a resolution (SPEC, Respond: fixing the root cause matters as much as fixing
-- it for the customer): one root-cause record per case, with the internal fix, its owner and date.
-- Every change is also an audit event of the case (before and after).
CREATE TABLE root_causes (
    case_id      BIGINT PRIMARY KEY,
    category     VARCHAR NOT NULL,
    cause        VARCHAR NOT NULL,
    action       VARCHAR,
    owner        VARCHAR,
    due_date     DATE,
    done_at      TIMESTAMP,
    recorded_by  VARCHAR NOT NULL,
    recorded_at  TIMESTAMP NOT NULL
);
