-- age_adjusted_split: the age-adjusted split for one municipality against any reference, computed now
-- (sql/views/72_age_adjusted_split.sql has the method, and its grain and columns). For the country (EAKUO, EAK) and
-- the municipality's KOSTRA group, read the stored split instead (age_adjusted_split_stored.sql): planning this query
-- costs DuckDB about 10 ms of CPU.
-- grain: one row per (year, service, age_group), per (year, service) and per year, from $from_year
-- columns: those of the age_adjusted_split macro
-- params: $municipality (today's code), $reference ('EAKUO' | 'EAK' | 'group' | today's code of a municipality),
--         $from_year
SELECT *
FROM age_adjusted_split($municipality, $reference, $from_year)
ORDER BY year, service_order, level <> 'age_group', age_order;
