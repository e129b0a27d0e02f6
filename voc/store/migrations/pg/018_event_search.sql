-- The audit log's free-text search at scale (issue #14): PostgreSQL's copy of 018_event_search.sql.
-- DuckDB's macros become SQL functions: voc_fold (lower case, Vietnamese diacritics removed, đ as d;
-- translate() rather than the unaccent extension, which a managed server may not offer), the event's
-- values without JSON keys, internal ids and ISO timestamps (contains() is 001's).
CREATE FUNCTION voc_fold(x TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
    SELECT translate(lower(x), 'àáảãạằắẳẵặăầấẩẫậâèéẻẽẹềếểễệêìíỉĩịòóỏõọồốổỗộôờớởỡợơùúủũụừứửữựưỳýỷỹỵđçñäëïöüÿ', 'aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyydcnaeiouy')
$$;
CREATE FUNCTION voc_event_values(j JSON) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
    SELECT regexp_replace(CAST(j AS TEXT),
        '"[a-z_]*_id": *[0-9]+|"[0-9]{4}-[0-9]{2}-[0-9]{2}T[^"]*"|"[^"]*": (null)?|[{}",\[\]]', '', 'g')
$$;
CREATE FUNCTION voc_event_text(entity TEXT, entity_id TEXT, note TEXT, before JSON, after JSON) RETURNS TEXT
LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws(' ',
        CASE WHEN entity NOT IN ('case', 'case_theme', 'letter') THEN voc_fold(entity_id) END,  -- not an internal id
        voc_fold(note), voc_fold(voc_event_values(before)), voc_fold(voc_event_values(after)))
$$;
CREATE TABLE event_search (
    event_id BIGINT NOT NULL,     -- events.id (no key: a row written twice by two sessions at once is harmless)
    text     VARCHAR NOT NULL
);
INSERT INTO event_search SELECT id, voc_event_text(entity, entity_id, note, before, after) FROM events;
