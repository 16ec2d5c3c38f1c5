-- overview_all: overview.sql for every municipality at once (one row per municipality and indicator in one year), so
-- one query serves every municipality's key figures and rankings (sliced in polars by
-- dashboard.kostra.queries.overview; a query per municipality cost ~8 ms of server CPU on every cold chart).
-- columns: current_code, indicator_id, value, status, previous_value, previous_status, group_code, group_name,
--          group_value, group_status, country_value, country_status, rank, ranked_count, is_demo, is_own_calculation
-- params: $indicator_ids (list), $year
SELECT current_code, indicator_id, value, status, previous_value, previous_status, group_code, group_name, group_value,
       group_status, country_value, country_status, rank, ranked_count, is_demo, is_own_calculation
FROM municipality_overview
WHERE year = $year AND list_contains($indicator_ids, indicator_id);
