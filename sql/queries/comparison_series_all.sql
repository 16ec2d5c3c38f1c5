-- comparison_series_all: the rows comparison_series.sql would return for any selection of these indicators, for
-- every municipality and year at once, so one query serves every municipality's charts (sliced in polars by
-- dashboard.kostra.queries.comparison_series; issue 27: one query per municipality cost ~12 ms of server CPU).
-- One row per (part, owner, indicator_id, series, year):
--   part 1: a municipality under today's code (owner = that code; role is set when sliced: 'selected' or
--           'comparison'), part 2 'group': the KOSTRA group the owner belonged to that year, part 2 'country': a
--           country aggregate (owner null), part 3: a predecessor of the owner in a merger or split.
-- columns: part, owner, indicator_id, series, role, region_code, year, value, status, is_demo, is_own_calculation,
--          successor_code, main_line
-- params: $indicator_ids (list), $countries (list, e.g. ['EAKUO', 'EAK'])
SELECT 1 AS part, s.current_code AS owner, s.indicator_id, r.name AS series, NULL::VARCHAR AS role,
       s.current_code AS region_code, s.year, s.value, s.status, s.is_demo, s.is_own_calculation,
       NULL::VARCHAR AS successor_code, false AS main_line
FROM municipality_series s
JOIN region r ON r.code = s.current_code
WHERE list_contains($indicator_ids, s.indicator_id)
UNION ALL
SELECT 2, o.current_code, o.indicator_id, 'KOSTRA-gruppen', 'group', o.group_code, o.year, o.group_value,
       o.group_status, o.is_demo, o.group_is_own_calculation, NULL, false
FROM municipality_overview o
WHERE o.group_code IS NOT NULL AND list_contains($indicator_ids, o.indicator_id)
UNION ALL
SELECT 2, NULL, iv.indicator_id, iv.region_name, 'country', iv.region_code, iv.year, iv.value, iv.status, iv.is_demo,
       iv.is_own_calculation, NULL, false
FROM indicator_values iv
WHERE list_contains($countries, iv.region_code) AND list_contains($indicator_ids, iv.indicator_id)
UNION ALL
SELECT 3, p.current_code, p.indicator_id,
       p.predecessor_name || ' (' || p.predecessor_code || ', før '
           || CASE WHEN p.change_kind = 'split' THEN 'deling' ELSE 'sammenslåing' END || ')',
       'predecessor', p.predecessor_code, p.year, p.value, p.status, p.is_demo, false, p.current_code, p.main_line
FROM predecessor_series p
WHERE list_contains($indicator_ids, p.indicator_id);
