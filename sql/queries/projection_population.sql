-- projection_population: one row per (age_group, year) of SSB's population projection for one municipality, from the
-- base year to $to_year. columns: age_group, age_order, year, population, status, base_year, is_demo
-- params: $municipality, $to_year
SELECT age_group, age_order, year, population, status, base_year, is_demo
FROM projected_population
WHERE region_code = $municipality AND year <= $to_year
ORDER BY age_order, year;
