-- year_range: one row: the first and last year with any SSB observation in the database.
-- columns: first_year, last_year
SELECT min(year) AS first_year, max(year) AS last_year FROM observation;
