-- municipalities: one row per municipality that exists today (no valid_to), for the municipality picker.
-- columns: code, name, population (latest year with a figure), group_code, group_name (latest grouping year)
-- params: none
WITH latest_group_year AS (
    SELECT max(year) AS year FROM kostra_group_membership
),
latest_population AS (
    SELECT current_code, arg_max(value, year) AS population
    FROM municipality_series
    WHERE indicator_id = 'population' AND value IS NOT NULL
    GROUP BY current_code
)
SELECT r.code, r.name, p.population, m.group_code, m.group_name
FROM region r
LEFT JOIN latest_population p ON p.current_code = r.code
LEFT JOIN latest_group_year ly ON true
LEFT JOIN kostra_group_membership m ON m.municipality_code = r.code AND m.year = ly.year
WHERE r.kind = 'municipality' AND r.valid_to IS NULL
ORDER BY r.name, r.code;
