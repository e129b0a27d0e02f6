-- Server mode's change log covers the users table from here (migrations/pg/026: triggers). The DuckDB file
-- has no copy to keep in step: nothing to do here; the number exists so both schemas' histories match.
SELECT 1;
