-- projection_coverage: one row per (region, service, age_group): today's coverage for the municipality and for its
-- KOSTRA group (the group it belonged to in the coverage year), as used by the projection.
-- columns: role ('selected' | 'group'), region_code, service, age_group, age_order, coverage_year, users,
--          users_status, population, population_status, coverage, status, is_demo, population_year
-- params: $municipality
WITH own_group AS (
    SELECT DISTINCT group_code FROM care_projection_inputs WHERE municipality = $municipality AND group_code IS NOT NULL
)
SELECT CASE WHEN c.region_code = $municipality THEN 'selected' ELSE 'group' END AS role, c.region_code, c.service,
       c.age_group, c.age_order, c.coverage_year, c.users, c.users_status, c.population, c.population_status,
       c.coverage, c.status, c.is_demo, c.population_year
FROM care_coverage_by_age c
WHERE c.region_code = $municipality OR c.region_code IN (SELECT group_code FROM own_group)
ORDER BY role DESC, c.service, c.age_order;
