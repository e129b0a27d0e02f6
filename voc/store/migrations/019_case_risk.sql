-- Sentiment and escalation risk per case (issue #12, item 4), replaced as a whole whenever the case
-- is (re)tagged, like case_themes: the negativity score (0..1) with the words that pushed it, the
-- most probable sentiment, and the escalation flag (R10's risk) with its categories and the words
-- that matched (voc.text.risk).
CREATE TABLE case_risk (
    case_id                BIGINT NOT NULL,
    sentiment              VARCHAR NOT NULL,     -- negative, neutral or positive
    negativity             DOUBLE NOT NULL,
    negativity_evidence    JSON,                 -- list of words
    escalation             BOOLEAN NOT NULL,
    escalation_categories  JSON,                 -- list of voc.text.escalation.EscalationCategory values
    escalation_evidence    JSON,                 -- list of {"category", "words"}
    scored_at              TIMESTAMP NOT NULL
);
