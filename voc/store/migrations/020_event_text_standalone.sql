-- Migration 018's voc_event_text called the macros voc_fold and voc_event_values. EXPORT DATABASE (the
-- DuckDB backup, voc.store.backup) writes macros in no particular order, so IMPORT DATABASE could meet
-- voc_event_text before the macros it calls and fail. The same text with the two written out in it, so
-- no macro depends on another (new events only: 018 indexed the old ones).
CREATE OR REPLACE MACRO voc_event_text(entity, entity_id, note, before, after) AS concat_ws(' ',
    CASE WHEN entity NOT IN ('case', 'case_theme', 'letter') THEN replace(strip_accents(lower(entity_id)), 'đ', 'd') END,  -- not an internal id
    replace(strip_accents(lower(note)), 'đ', 'd'),
    replace(strip_accents(lower(regexp_replace(CAST(before AS VARCHAR),
        '"[a-z_]*_id": *[0-9]+|"[0-9]{4}-[0-9]{2}-[0-9]{2}T[^"]*"|"[^"]*": (null)?|[{}",\[\]]', '', 'g'))), 'đ', 'd'),
    replace(strip_accents(lower(regexp_replace(CAST(after AS VARCHAR),
        '"[a-z_]*_id": *[0-9]+|"[0-9]{4}-[0-9]{2}-[0-9]{2}T[^"]*"|"[^"]*": (null)?|[{}",\[\]]', '', 'g'))), 'đ', 'd'));
