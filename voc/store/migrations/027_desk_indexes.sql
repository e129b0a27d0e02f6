-- Server mode's indexes for the desk's reads (migrations/pg/027). The DuckDB file's columnar scans of
-- these tables take milliseconds and its indexes do not serve ORDER BY: nothing to do here; the number
-- exists so both schemas' histories match.
SELECT 1;
