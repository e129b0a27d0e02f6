-- Theme engine: taxonomy, customer-term glossary, per-case tags, QA labels, trained models.
CREATE SEQUENCE glossary_id_seq START 1;
CREATE SEQUENCE theme_label_id_seq START 1;
CREATE SEQUENCE theme_model_id_seq START 1;

CREATE TABLE themes (
    code         VARCHAR PRIMARY KEY,
    name_vi      VARCHAR NOT NULL,          -- Vietnamese display name
    description  VARCHAR NOT NULL DEFAULT '',
    theme_group  VARCHAR,
    sort_order   INTEGER NOT NULL DEFAULT 0,
    active       BOOLEAN NOT NULL DEFAULT true,
    origin       VARCHAR NOT NULL DEFAULT 'default',   -- default (from data/taxonomy.json) or qa
    updated_at   TIMESTAMP,
    updated_by   VARCHAR
);

CREATE TABLE glossary_terms (
    id            BIGINT PRIMARY KEY DEFAULT nextval('glossary_id_seq'),
    term          VARCHAR NOT NULL,        -- the customer's words as QA typed them
    term_key      VARCHAR NOT NULL,        -- folded matching key: lower-case, no diacritics, shorthand expanded
    theme_code    VARCHAR NOT NULL,
    company_term  VARCHAR,                 -- the company's own name for it
    note          VARCHAR,
    active        BOOLEAN NOT NULL DEFAULT true,   -- removal is a soft delete, so defaults never come back
    origin        VARCHAR NOT NULL,        -- default or qa
    updated_at    TIMESTAMP NOT NULL,
    updated_by    VARCHAR NOT NULL
);

-- The current tags of each case, replaced as a whole whenever the case is (re)tagged.
CREATE TABLE case_themes (
    case_id     BIGINT NOT NULL,
    theme_code  VARCHAR NOT NULL,
    score       DOUBLE PRECISION NOT NULL,
    evidence    JSON,                      -- list of the words that triggered the tag
    source      VARCHAR NOT NULL DEFAULT 'rule',   -- rule, model or qa
    model_id    BIGINT,
    tagged_at   TIMESTAMP
);

-- QA's corrections, append-only: the latest row per (case, theme) is the label.
CREATE TABLE theme_labels (
    id           BIGINT PRIMARY KEY DEFAULT nextval('theme_label_id_seq'),
    case_id      BIGINT NOT NULL,
    theme_code   VARCHAR NOT NULL,
    is_positive  BOOLEAN NOT NULL,
    labelled_by  VARCHAR NOT NULL,
    labelled_at  TIMESTAMP NOT NULL
);

CREATE TABLE theme_models (
    id           BIGINT PRIMARY KEY DEFAULT nextval('theme_model_id_seq'),
    created_at   TIMESTAMP NOT NULL,
    created_by   VARCHAR NOT NULL,
    cv_score     DOUBLE PRECISION,                   -- cross-validated macro-F1 on the training labels
    n_examples   INTEGER NOT NULL,
    params       JSON,
    blob         BYTEA NOT NULL,            -- pickled voc.classifier.ThemeModel
    active       BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE theme_engine_meta (
    key    VARCHAR PRIMARY KEY,
    value  VARCHAR NOT NULL
);
