-- year_range: one row: the first and last year with any SSB observation in the database, not counting projections
-- (the population projection's future years belong to /fremskriving, not to the other pages' year slider).
-- columns: first_year, last_year
SELECT min(year) AS first_year, max(year) AS last_year FROM observation
WHERE table_id NOT IN (SELECT source_table FROM indicator WHERE indicator_group = 'projection');
