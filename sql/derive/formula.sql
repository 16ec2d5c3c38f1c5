-- formula: inserts into derived_value one row per (indicator_id, region_code, year) for a formula indicator,
-- numerator {op} denominator (times scale), where both inputs exist in indicator_values for that region and year.
-- Where an input is missing the result is NULL and carries the input's SSB status ('..', '.', ':'), never 0.
-- {op} is one of + - * / chosen by the build from the catalogue's closed set; values come in as parameters.
-- params: $indicator_id, $numerator, $denominator, $scale
INSERT INTO derived_value (indicator_id, region_code, year, value, status, is_demo, method)
WITH num AS (
    SELECT region_code, year, value, status, is_demo FROM indicator_values WHERE indicator_id = $numerator
),
den AS (
    SELECT region_code, year, value, status, is_demo FROM indicator_values WHERE indicator_id = $denominator
),
joined AS (
    SELECT num.region_code, num.year,
           num.value AS a, den.value AS b, num.status AS sa, den.status AS sb,
           num.is_demo OR den.is_demo AS is_demo
    FROM num JOIN den USING (region_code, year)
)
SELECT $indicator_id, region_code, year,
       CASE WHEN a IS NOT NULL AND b IS NOT NULL AND NOT ('{op}' = '/' AND b = 0)
            THEN (a {op} b) * $scale END AS value,
       CASE WHEN a IS NULL OR b IS NULL THEN coalesce(sa, sb, '..')
            WHEN '{op}' = '/' AND b = 0 THEN '..' END AS status,
       is_demo, 'formula'
FROM joined;
