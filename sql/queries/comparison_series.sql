-- comparison_series: one row per (indicator_id, series, year) for a comparison chart, in one round trip:
-- the chosen municipality and its comparison municipalities under today's codes (continuous across renumberings),
-- the KOSTRA group the chosen municipality belonged to THAT year (the grouping changed in 2020), the country
-- (EAKUO without Oslo, EAK), and predecessors in mergers for the years they existed (all of the chosen
-- municipality's; for a comparison municipality the one that gave it its name, e.g. 0704 Tønsberg before 2020).
-- columns: indicator_id, series, role ('selected' | 'comparison' | 'group' | 'country' | 'predecessor'), region_code,
--          year, value, status, is_demo, is_own_calculation, successor_code (today's code a predecessor became part
--          of, else null), main_line (the predecessor that gave that municipality its name)
-- params: $indicator_ids (list), $municipality (today's code), $comparisons (list of today's codes), $from_year,
--         $to_year, $with_group (bool), $countries (list, e.g. ['EAKUO', 'EAK']), $with_predecessors (bool)
WITH munis AS (
    SELECT 1 AS part, s.indicator_id, r.name AS series,
           CASE WHEN s.current_code = $municipality THEN 'selected' ELSE 'comparison' END AS role,
           s.current_code AS region_code, s.year, s.value, s.status, s.is_demo, s.is_own_calculation
    FROM municipality_series s
    JOIN region r ON r.code = s.current_code
    WHERE list_contains($indicator_ids, s.indicator_id)
      AND (s.current_code = $municipality OR list_contains($comparisons, s.current_code))
      AND s.year BETWEEN $from_year AND $to_year
),
aggregates AS (
    -- the group the municipality (or the predecessor that gave it its name) belonged to each year, with that
    -- group's figure: already joined in municipality_overview
    SELECT 2 AS part, o.indicator_id, 'KOSTRA-gruppen' AS series, 'group' AS role, o.group_code AS region_code,
           o.year, o.group_value AS value, o.group_status AS status, o.is_demo, o.group_is_own_calculation
    FROM municipality_overview o
    WHERE $with_group AND o.current_code = $municipality AND o.group_code IS NOT NULL
      AND list_contains($indicator_ids, o.indicator_id) AND o.year BETWEEN $from_year AND $to_year
    UNION ALL
    SELECT 2 AS part, iv.indicator_id, iv.region_name AS series, 'country' AS role, iv.region_code, iv.year,
           iv.value, iv.status, iv.is_demo, iv.is_own_calculation
    FROM indicator_values iv
    WHERE list_contains($countries, iv.region_code) AND list_contains($indicator_ids, iv.indicator_id)
      AND iv.year BETWEEN $from_year AND $to_year
),
predecessors AS (
    SELECT 3 AS part, p.indicator_id,
           p.predecessor_name || ' (' || p.predecessor_code || ', før '
               || CASE WHEN p.change_kind = 'split' THEN 'deling' ELSE 'sammenslåing' END || ')' AS series,
           'predecessor' AS role, p.predecessor_code AS region_code, p.year, p.value, p.status, p.is_demo,
           false AS is_own_calculation, p.current_code AS successor_code, p.main_line
    FROM predecessor_series p
    WHERE $with_predecessors AND list_contains($indicator_ids, p.indicator_id)
      -- all of the chosen municipality's predecessors; for comparisons only the one that gave it its name
      AND (p.current_code = $municipality OR (p.main_line AND list_contains($comparisons, p.current_code)))
      AND p.year BETWEEN $from_year AND $to_year
)
SELECT indicator_id, series, role, region_code, year, value, status, is_demo, is_own_calculation, successor_code,
       main_line
FROM (SELECT *, NULL::VARCHAR AS successor_code, false AS main_line FROM munis
      UNION ALL SELECT *, NULL::VARCHAR, false FROM aggregates
      UNION ALL SELECT * FROM predecessors)
ORDER BY part, indicator_id, region_code, year;
