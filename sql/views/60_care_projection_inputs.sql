-- care_projection_inputs: one row per (municipality, service, age_group, year) of the projection: everything the
-- scenario query multiplies, for today's municipalities (current codes) and every projection year.
-- columns: municipality, service ('home_care' | 'long_term'), age_group, age_order, year, base_year, coverage_year,
--          population, population_status, own_coverage, own_status, own_missing, group_code, group_name,
--          group_coverage, group_status, unit_cost, unit_cost_status, is_demo (the projected population), own_is_demo,
--          group_is_demo, unit_cost_is_demo (each input's own demo mark: a figure made from any demo input is demo)
-- own_missing: which count leaves own_coverage NULL: 'users' (the user count of the coverage year) or 'population'
-- (the population on 1 January after the coverage year), so a sentence can name the count that is missing.
-- unit_cost: the coverage year's korrigerte brutto driftsutgifter per recipient of home services
-- (home_care_cost_per_recipient) or per municipal institution place (institution_cost_per_place), in kroner.
-- The group is the municipality's KOSTRA group in the coverage year (the main line's membership).
CREATE OR REPLACE VIEW care_projection_inputs AS
WITH services(service, cost_indicator) AS (
    VALUES ('home_care', 'home_care_cost_per_recipient'), ('long_term', 'institution_cost_per_place')
),
own_group AS (
    SELECT l.current_code, min(m.group_code) AS group_code, min(m.group_name) AS group_name
    FROM region_lineage l
    JOIN kostra_group_membership m ON m.municipality_code = l.code
    WHERE l.main_line AND m.year = (SELECT max(coverage_year) FROM care_coverage_by_age)
    GROUP BY l.current_code
),
costs AS (
    SELECT sv.service, s.current_code, s.value, s.status, s.is_demo
    FROM services sv
    JOIN municipality_series s ON s.indicator_id = sv.cost_indicator
    WHERE s.year = (SELECT max(coverage_year) FROM care_coverage_by_age)
)
SELECT p.region_code AS municipality, sv.service, p.age_group, p.age_order, p.year, p.base_year,
       coalesce(oc.coverage_year, (SELECT max(coverage_year) FROM care_coverage_by_age)) AS coverage_year,
       p.population, p.status AS population_status,
       oc.coverage AS own_coverage, coalesce(oc.status, CASE WHEN oc.region_code IS NULL THEN '..' END) AS own_status,
       CASE WHEN oc.coverage IS NOT NULL THEN NULL
            WHEN oc.users IS NOT NULL AND (oc.population IS NULL OR oc.population = 0) THEN 'population'
            ELSE 'users' END AS own_missing,
       g.group_code, g.group_name,
       gc.coverage AS group_coverage,
       coalesce(gc.status, CASE WHEN gc.region_code IS NULL THEN '..' END) AS group_status,
       c.value AS unit_cost, coalesce(c.status, CASE WHEN c.current_code IS NULL THEN '..' END) AS unit_cost_status,
       p.is_demo, coalesce(oc.is_demo, false) AS own_is_demo, coalesce(gc.is_demo, false) AS group_is_demo,
       coalesce(c.is_demo, false) AS unit_cost_is_demo
FROM projected_population p
JOIN region r ON r.code = p.region_code AND r.kind = 'municipality'
CROSS JOIN services sv
LEFT JOIN care_coverage_by_age oc
       ON oc.region_code = p.region_code AND oc.service = sv.service AND oc.age_group = p.age_group
LEFT JOIN own_group g ON g.current_code = p.region_code
LEFT JOIN care_coverage_by_age gc
       ON gc.region_code = g.group_code AND gc.service = sv.service AND gc.age_group = p.age_group
LEFT JOIN costs c ON c.current_code = p.region_code AND c.service = sv.service;
