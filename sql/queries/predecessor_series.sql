-- predecessor_series: one row per (indicator_id, predecessor_code, year) for municipalities merged into (or split
-- from) the chosen ones, for the years they existed, so charts can show them beside today's series.
-- columns: indicator_id, current_code, region_code, region_name, change_kind, year, value, status, is_demo
-- params: $indicator_ids (list), $municipalities (list), $from_year, $to_year
SELECT indicator_id, current_code, predecessor_code AS region_code, predecessor_name AS region_name, change_kind,
       year, value, status, is_demo
FROM predecessor_series
WHERE list_contains($indicator_ids, indicator_id) AND list_contains($municipalities, current_code)
  AND year BETWEEN $from_year AND $to_year
ORDER BY indicator_id, predecessor_code, year;
