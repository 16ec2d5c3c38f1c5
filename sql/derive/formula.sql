-- formula: inserts into derived_value one row per (indicator_id, region_code, year) for a formula indicator,
-- numerator {op} denominator (times scale), where both inputs exist in indicator_values for that region and year.
-- Where an input is missing the result is NULL and carries the input's SSB status ('..', '.', ':'), never 0,
-- and the input's reason (derived_value.reason: a group or country sum with a member missing) when it has one.
-- {op} is one of + - * / chosen by the build from the catalogue's closed set; values come in as parameters.
-- params: $indicator_id, $numerator, $denominator, $scale
INSERT INTO derived_value (indicator_id, region_code, year, value, status, is_demo, method, reason)
WITH num AS (
    SELECT iv.region_code, iv.year, iv.value, iv.status, iv.is_demo, d.reason
    FROM indicator_values iv
    LEFT JOIN derived_value d
      ON d.indicator_id = iv.indicator_id AND d.region_code = iv.region_code AND d.year = iv.year
    WHERE iv.indicator_id = $numerator
),
den AS (
    SELECT iv.region_code, iv.year, iv.value, iv.status, iv.is_demo, d.reason
    FROM indicator_values iv
    LEFT JOIN derived_value d
      ON d.indicator_id = iv.indicator_id AND d.region_code = iv.region_code AND d.year = iv.year
    WHERE iv.indicator_id = $denominator
),
joined AS (
    SELECT num.region_code, num.year,
           num.value AS a, den.value AS b, num.status AS sa, den.status AS sb,
           num.is_demo OR den.is_demo AS is_demo, num.reason AS ra, den.reason AS rb
    FROM num JOIN den USING (region_code, year)
)
SELECT $indicator_id, region_code, year,
       CASE WHEN a IS NOT NULL AND b IS NOT NULL AND NOT ('{op}' = '/' AND b = 0)
            THEN (a {op} b) * $scale END AS value,
       CASE WHEN a IS NULL OR b IS NULL THEN coalesce(sa, sb, '..')
            WHEN '{op}' = '/' AND b = 0 THEN '..' END AS status,
       is_demo, 'formula',
       CASE WHEN a IS NULL OR b IS NULL THEN coalesce(ra, rb) END AS reason
FROM joined;
