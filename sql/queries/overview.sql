-- overview: one row per indicator for one municipality and year: its figure this year and last year, its KOSTRA
-- group's and the country's (without Oslo) figure, and its rank within the group that year.
-- columns: indicator_id, value, status, previous_value, previous_status, group_code, group_name, group_value,
--          group_status, country_value, country_status, rank, ranked_count, is_demo, is_own_calculation
-- params: $indicator_ids (list), $municipality (today's code), $year
WITH codes AS (
    SELECT code FROM region_lineage WHERE current_code = $municipality AND via_kind IN ('self', 'renumber')
),
grp AS (
    SELECT m.group_code, m.group_name FROM kostra_group_membership m
    WHERE m.year = $year AND m.municipality_code IN (SELECT code FROM codes)
    LIMIT 1
),
own AS (
    SELECT indicator_id,
           max(value) FILTER (WHERE year = $year) AS value,
           max(status) FILTER (WHERE year = $year) AS status,
           max(value) FILTER (WHERE year = $year - 1) AS previous_value,
           max(status) FILTER (WHERE year = $year - 1) AS previous_status,
           bool_or(is_demo) AS is_demo, bool_or(is_own_calculation) AS is_own_calculation
    FROM municipality_series
    WHERE current_code = $municipality AND year IN ($year, $year - 1) AND list_contains($indicator_ids, indicator_id)
    GROUP BY indicator_id
),
aggregates AS (
    SELECT iv.indicator_id,
           max(iv.value) FILTER (WHERE iv.region_code = (SELECT group_code FROM grp)) AS group_value,
           max(iv.status) FILTER (WHERE iv.region_code = (SELECT group_code FROM grp)) AS group_status,
           max(iv.value) FILTER (WHERE iv.region_code = 'EAKUO') AS country_value,
           max(iv.status) FILTER (WHERE iv.region_code = 'EAKUO') AS country_status
    FROM indicator_values iv
    WHERE iv.year = $year AND list_contains($indicator_ids, iv.indicator_id)
      AND (iv.region_code = 'EAKUO' OR iv.region_code = (SELECT group_code FROM grp))
    GROUP BY iv.indicator_id
),
peers AS (
    SELECT iv.indicator_id, iv.region_code, iv.value,
           coalesce(i.higher_is_better, true) AS higher_first
    FROM kostra_group_membership m
    JOIN indicator_values iv ON iv.region_code = m.municipality_code AND iv.year = m.year
    JOIN indicator i ON i.id = iv.indicator_id
    WHERE m.year = $year AND m.group_code = (SELECT group_code FROM grp)
      AND list_contains($indicator_ids, iv.indicator_id) AND iv.value IS NOT NULL
),
ranked AS (
    SELECT indicator_id, region_code,
           rank() OVER (PARTITION BY indicator_id ORDER BY CASE WHEN higher_first THEN -value ELSE value END) AS rank,
           count(*) OVER (PARTITION BY indicator_id) AS ranked_count
    FROM peers
)
SELECT o.indicator_id, o.value, o.status, o.previous_value, o.previous_status,
       (SELECT group_code FROM grp) AS group_code, (SELECT group_name FROM grp) AS group_name,
       a.group_value, a.group_status, a.country_value, a.country_status,
       r.rank, r.ranked_count, o.is_demo, o.is_own_calculation
FROM own o
LEFT JOIN aggregates a USING (indicator_id)
LEFT JOIN ranked r ON r.indicator_id = o.indicator_id AND r.region_code IN (SELECT code FROM codes)
ORDER BY list_position($indicator_ids, o.indicator_id);
