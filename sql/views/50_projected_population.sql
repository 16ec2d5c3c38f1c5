-- projected_population: one row per (region_code, age_group, year) from SSB's population projection (the catalogue's
-- `projected_population` indicator, main alternative MMMM), single years of age summed into the age groups of the
-- coverage figures. The first year is the projection's base year: the population it starts from, 1 January.
-- columns: region_code, age_group ('0-66', '67-79', '80-89', '90+'), age_order (1-4), year, population, status,
--          base_year, is_demo
-- population is NULL (status kept, '..' if none) when any single age in the group lacks a value: never a partial sum.
CREATE OR REPLACE VIEW projected_population AS
WITH cells AS (
    SELECT o.region_code, o.year, o.value, o.status, o.is_demo,
           CAST(regexp_extract(o.filter_key, 'Alder=(\d+)', 1) AS INTEGER) AS age
    FROM indicator i
    JOIN observation o ON o.table_id = i.source_table AND o.contents_code = i.contents_code
    WHERE i.id = 'projected_population' AND o.filter_key LIKE 'Alder=%'
),
grouped AS (
    SELECT region_code, year, value, status, is_demo,
           CASE WHEN age <= 66 THEN '0-66' WHEN age <= 79 THEN '67-79' WHEN age <= 89 THEN '80-89' ELSE '90+' END
               AS age_group,
           CASE WHEN age <= 66 THEN 1 WHEN age <= 79 THEN 2 WHEN age <= 89 THEN 3 ELSE 4 END AS age_order
    FROM cells
)
SELECT region_code, age_group, age_order, year,
       CASE WHEN count(*) FILTER (WHERE value IS NULL) = 0 THEN sum(value) END AS population,
       CASE WHEN count(*) FILTER (WHERE value IS NULL) > 0 THEN coalesce(min(status), '..') END AS status,
       min(year) OVER () AS base_year,
       bool_or(is_demo) AS is_demo
FROM grouped
GROUP BY region_code, age_group, age_order, year;
