-- Sentiment and escalation risk per case (issue #12, item 4): PostgreSQL's copy of 019_case_risk.sql.
CREATE TABLE case_risk (
    case_id                BIGINT NOT NULL,
    sentiment              VARCHAR NOT NULL,     -- negative, neutral or positive
    negativity             DOUBLE PRECISION NOT NULL,
    negativity_evidence    JSON,                 -- list of words
    escalation             BOOLEAN NOT NULL,
    escalation_categories  JSON,                 -- list of voc.text.escalation.EscalationCategory values
    escalation_evidence    JSON,                 -- list of {"category", "words"}
    scored_at              TIMESTAMP NOT NULL
);
