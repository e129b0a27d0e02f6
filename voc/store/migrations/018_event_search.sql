-- The audit log's free-text search at scale (issue #14): each event's searchable text, folded once
-- (lower case, no diacritics, đ as d) instead of on every search; at 1,000,000 cases (7.8 M events)
-- folding the log took about 45 s a search. The text holds what an event itself says: the name or
-- file of its object, its note and the values it changed (JSON keys, internal ids and ISO timestamps
-- left out: none is shown as such). Names that can change (a user's display name, a branch, a
-- glossary term, a theme) and ticket codes are matched on their own tables when searching
-- (voc.insight.audit_log).
-- Events are never updated, so a row never goes stale; new events are added before each search.
CREATE MACRO voc_fold(x) AS
    CASE WHEN strlen(x) = length(x) THEN lower(x) ELSE replace(strip_accents(lower(x)), 'đ', 'd') END;
CREATE MACRO voc_event_values(j) AS regexp_replace(
    CAST(j AS VARCHAR), '"[a-z_]*_id": *[0-9]+|"[0-9]{4}-[0-9]{2}-[0-9]{2}T[^"]*"|"[^"]*": (null)?|[{}",\[\]]', '', 'g');
CREATE MACRO voc_event_text(entity, entity_id, note, before, after) AS concat_ws(' ',
    CASE WHEN entity NOT IN ('case', 'case_theme', 'letter') THEN voc_fold(entity_id) END,  -- not an internal id
    voc_fold(note), voc_fold(voc_event_values(before)), voc_fold(voc_event_values(after)));
CREATE TABLE event_search (
    event_id BIGINT NOT NULL,     -- events.id (no key: a row written twice by two sessions at once is harmless)
    text     VARCHAR NOT NULL
);
INSERT INTO event_search SELECT id, voc_event_text(entity, entity_id, note, before, after) FROM events;
