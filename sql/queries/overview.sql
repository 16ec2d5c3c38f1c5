-- overview: one row per indicator for one municipality and year: its figure this year and last year, its KOSTRA
-- group's and the country's (without Oslo) figure, and its rank within the group that year.
-- columns: indicator_id, value, status, previous_value, previous_status, group_code, group_name, group_value,
--          group_status, country_value, country_status, rank, ranked_count, is_demo, is_own_calculation
-- params: $indicator_ids (list), $municipality (today's code), $year
SELECT indicator_id, value, status, previous_value, previous_status, group_code, group_name, group_value,
       group_status, country_value, country_status, rank, ranked_count, is_demo, is_own_calculation
FROM municipality_overview
WHERE current_code = $municipality AND year = $year AND list_contains($indicator_ids, indicator_id)
ORDER BY list_position($indicator_ids, indicator_id);
