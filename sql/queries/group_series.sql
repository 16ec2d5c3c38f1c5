-- group_series: one row per (indicator_id, year): the KOSTRA group the municipality belonged to THAT year
-- (the grouping changed in 2020), and the group's figure, plus the country without Oslo (EAKUO) and the country (EAK).
-- columns: indicator_id, region_code, region_name, region_kind ('kostra_group' | 'country'), year, value, status,
--          is_demo, is_own_calculation
-- params: $indicator_ids (list), $municipality (today's code), $from_year, $to_year
WITH codes AS (
    SELECT code FROM region_lineage WHERE current_code = $municipality AND via_kind IN ('self', 'renumber')
),
groups AS (
    SELECT DISTINCT m.year, m.group_code FROM kostra_group_membership m
    WHERE m.municipality_code IN (SELECT code FROM codes) AND m.year BETWEEN $from_year AND $to_year
)
SELECT iv.indicator_id, iv.region_code, iv.region_name, iv.region_kind, iv.year, iv.value, iv.status,
       iv.is_demo, iv.is_own_calculation
FROM groups g
JOIN indicator_values iv ON iv.region_code = g.group_code AND iv.year = g.year
WHERE list_contains($indicator_ids, iv.indicator_id)
UNION ALL
SELECT iv.indicator_id, iv.region_code, iv.region_name, iv.region_kind, iv.year, iv.value, iv.status,
       iv.is_demo, iv.is_own_calculation
FROM indicator_values iv
WHERE iv.region_code IN ('EAK', 'EAKUO') AND list_contains($indicator_ids, iv.indicator_id)
  AND iv.year BETWEEN $from_year AND $to_year
ORDER BY 1, 2, 5;
