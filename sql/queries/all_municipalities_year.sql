-- all_municipalities_year: one row per municipality code published in one year, with two indicators side by side
-- (for the scatter of all municipalities), and the KOSTRA group it belonged to that year.
-- columns: region_code, region_name, current_code, group_code, x_value, x_status, y_value, y_status, is_demo
-- params: $x_indicator, $y_indicator, $year
WITH x AS (
    SELECT region_code, region_name, value, status, is_demo FROM indicator_values
    WHERE indicator_id = $x_indicator AND year = $year AND region_kind = 'municipality'
      AND coalesce(status, '') <> '.'
),
y AS (
    SELECT region_code, value, status, is_demo FROM indicator_values
    WHERE indicator_id = $y_indicator AND year = $year AND region_kind = 'municipality'
      AND coalesce(status, '') <> '.'
)
SELECT x.region_code, x.region_name,
       (SELECT min(l.current_code) FROM region_lineage l WHERE l.code = x.region_code) AS current_code,
       m.group_code, x.value AS x_value, x.status AS x_status, y.value AS y_value, y.status AS y_status,
       x.is_demo OR y.is_demo AS is_demo
FROM x
JOIN y USING (region_code)
LEFT JOIN kostra_group_membership m ON m.municipality_code = x.region_code AND m.year = $year
ORDER BY x.region_name;
