-- sum_of_members: inserts into derived_value one row per (indicator_id, region_code, year) for KOSTRA groups
-- and the country where SSB publishes no figure of its own, as the sum over member municipalities.
-- Only for counts and amounts (the build calls it for aggregatable indicators only); never for ratios.
-- A sum is NULL with status '..' when any member's value is missing, since a partial sum would mislead.
-- params: $indicator_id
INSERT INTO derived_value
WITH ind AS (
    SELECT * FROM indicator WHERE id = $indicator_id
),
municipal AS (
    SELECT o.region_code, o.year, o.value, o.status, o.is_demo
    FROM observation o
    JOIN ind ON o.table_id = ind.source_table AND o.contents_code = ind.contents_code
            AND o.filter_key = ind.filter_key
    JOIN region r ON r.code = o.region_code AND r.kind = 'municipality'
    WHERE coalesce(o.status, '') <> '.'
),
members AS (
    SELECT m.year, m.group_code AS region_code, m.municipality_code FROM kostra_group_membership m
    UNION ALL
    SELECT year, 'EAK', region_code FROM municipal
    UNION ALL
    SELECT year, 'EAKUO', region_code FROM municipal WHERE region_code <> '0301'
),
sums AS (
    SELECT mb.region_code, mb.year,
           CASE WHEN count(*) FILTER (WHERE mu.value IS NULL) = 0 THEN sum(mu.value) END AS value,
           CASE WHEN count(*) FILTER (WHERE mu.value IS NULL) > 0 THEN '..' END AS status,
           bool_or(mu.is_demo) AS is_demo
    FROM members mb JOIN municipal mu ON mu.region_code = mb.municipality_code AND mu.year = mb.year
    GROUP BY mb.region_code, mb.year
),
already_published AS (
    SELECT DISTINCT o.region_code, o.year
    FROM observation o
    JOIN ind ON o.table_id = ind.source_table AND o.contents_code = ind.contents_code
            AND o.filter_key = ind.filter_key
)
SELECT $indicator_id, s.region_code, s.year, s.value, s.status, s.is_demo, 'sum_of_members'
FROM sums s
WHERE NOT EXISTS (SELECT 1 FROM already_published p WHERE p.region_code = s.region_code AND p.year = s.year);
