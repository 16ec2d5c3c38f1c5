-- municipality_series: one row per (indicator_id, region_code, year) for the chosen municipalities under today's
-- codes (continuous across renumberings).
-- columns: indicator_id, region_code, region_name, region_kind, year, value, status, is_demo, is_own_calculation, published_code
-- params: $indicator_ids (list), $municipalities (list of today's codes), $from_year, $to_year
SELECT s.indicator_id, s.current_code AS region_code, r.name AS region_name, 'municipality' AS region_kind,
       s.year, s.value, s.status, s.is_demo, s.is_own_calculation, s.published_code
FROM municipality_series s
JOIN region r ON r.code = s.current_code
WHERE list_contains($indicator_ids, s.indicator_id)
  AND list_contains($municipalities, s.current_code)
  AND s.year BETWEEN $from_year AND $to_year
ORDER BY s.indicator_id, s.current_code, s.year;
