-- DuckDB's strftime(value, format) for the formats the desk's SQL uses (%Y %m %d %H %M %S and a literal T),
-- so demo data and the JSON of events carry the same ISO text on both backends.
CREATE FUNCTION strftime(value TIMESTAMP, format TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(value, replace(replace(replace(replace(replace(replace(replace(
        format, 'T', '"T"'), '%Y', 'YYYY'), '%m', 'MM'), '%d', 'DD'), '%H', 'HH24'), '%M', 'MI'), '%S', 'SS'))
$$;
CREATE FUNCTION strftime(value DATE, format TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
    SELECT strftime(CAST(value AS TIMESTAMP), format)
$$;
