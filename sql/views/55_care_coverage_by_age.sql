-- care_coverage_by_age: one row per (region_code, service, age_group) for today's municipalities (current codes)
-- and KOSTRA groups: users of a care service per inhabitant in the age group, in the coverage year.
-- Coverage year = the latest year, no later than the projection's base year - 1, with published users (SSB table 11645,
-- via the catalogue's home_care_users_age_* and long_term_residents_age_* counts): a new projection edition in spring
-- does not empty the projection until the user counts for the year before arrive. Users at 31 December over the
-- population on 1 January after; the projection starts at its base year, so when the coverage year is earlier than
-- base year - 1 the denominator is the base year's population (population_year says which 1 January).
-- A group's coverage is its users (SSB's or our member sum) over its members' population, members followed to
-- today's codes through region_lineage (a code renumbered since the coverage year is the same municipality); a group
-- with any member's population missing has no population (status '..'), never a partial sum.
-- columns: region_code, region_kind ('municipality' | 'kostra_group'), service ('home_care' | 'long_term'),
--          age_group, age_order, coverage_year, population_year, users, users_status, population, population_status,
--          coverage, status, is_demo (users or population demo)
-- coverage is NULL where users or population are missing; status then says why (SSB's symbol, ':' suppressed).
CREATE OR REPLACE VIEW care_coverage_by_age AS
WITH kinds(indicator_id, service, age_group, age_order) AS (
    VALUES ('home_care_users_age_0_66', 'home_care', '0-66', 1),
           ('home_care_users_age_67_79', 'home_care', '67-79', 2),
           ('home_care_users_age_80_89', 'home_care', '80-89', 3),
           ('home_care_users_age_90_plus', 'home_care', '90+', 4),
           ('long_term_residents_age_0_66', 'long_term', '0-66', 1),
           ('long_term_residents_age_67_79', 'long_term', '67-79', 2),
           ('long_term_residents_age_80_89', 'long_term', '80-89', 3),
           ('long_term_residents_age_90_plus', 'long_term', '90+', 4)
),
base AS (
    SELECT max(base_year) AS base_year FROM projected_population
),
published AS (
    SELECT coalesce(max(s.year), (SELECT base_year - 1 FROM base)) AS coverage_year
    FROM kinds k
    JOIN municipality_series s ON s.indicator_id = k.indicator_id
    WHERE s.value IS NOT NULL AND s.year <= (SELECT base_year - 1 FROM base)
),
years AS (
    SELECT p.coverage_year, greatest(p.coverage_year + 1, b.base_year) AS population_year
    FROM published p CROSS JOIN base b
),
municipal_users AS (
    SELECT s.current_code AS region_code, 'municipality' AS region_kind, k.service, k.age_group, k.age_order,
           s.value AS users, s.status AS users_status, s.is_demo
    FROM kinds k
    JOIN municipality_series s ON s.indicator_id = k.indicator_id
    WHERE s.year = (SELECT coverage_year FROM years)
),
group_users AS (
    SELECT iv.region_code, 'kostra_group' AS region_kind, k.service, k.age_group, k.age_order,
           iv.value AS users, iv.status AS users_status, iv.is_demo
    FROM kinds k
    JOIN indicator_values iv ON iv.indicator_id = k.indicator_id
    WHERE iv.region_kind = 'kostra_group' AND iv.year = (SELECT coverage_year FROM years)
),
municipal_population AS (
    SELECT p.region_code, p.age_group, p.population, p.status, p.is_demo
    FROM projected_population p
    WHERE p.year = (SELECT population_year FROM years)
),
members AS (  -- the group's members in the coverage year, under today's code (renumberings followed)
    SELECT m.group_code, m.municipality_code,
           (SELECT min(l.current_code) FROM region_lineage l
            WHERE l.code = m.municipality_code AND l.via_kind IN ('self', 'renumber')) AS current_code
    FROM kostra_group_membership m
    WHERE m.year = (SELECT coverage_year FROM years)
),
group_population AS (
    SELECT mb.group_code AS region_code, a.age_group,
           CASE WHEN count(*) FILTER (WHERE p.population IS NULL) = 0 THEN sum(p.population) END AS population,
           CASE WHEN count(*) FILTER (WHERE p.population IS NULL) > 0 THEN '..' END AS status,
           coalesce(bool_or(p.is_demo), false) AS is_demo
    FROM members mb
    CROSS JOIN (SELECT DISTINCT age_group FROM kinds) a
    LEFT JOIN municipal_population p ON p.region_code = mb.current_code AND p.age_group = a.age_group
    GROUP BY mb.group_code, a.age_group
),
users AS (
    SELECT u.*, p.population, p.status AS population_status, p.is_demo AS population_is_demo
    FROM municipal_users u LEFT JOIN municipal_population p USING (region_code, age_group)
    UNION ALL
    SELECT u.*, p.population, p.status AS population_status, p.is_demo AS population_is_demo
    FROM group_users u LEFT JOIN group_population p USING (region_code, age_group)
)
SELECT region_code, region_kind, service, age_group, age_order, (SELECT coverage_year FROM years) AS coverage_year,
       (SELECT population_year FROM years) AS population_year,
       users, users_status, population, population_status,
       CASE WHEN users IS NOT NULL AND population > 0 THEN users / population END AS coverage,
       CASE WHEN users IS NULL THEN coalesce(users_status, '..')
            WHEN population IS NULL OR population = 0 THEN coalesce(population_status, '..') END AS status,
       is_demo OR coalesce(population_is_demo, false) AS is_demo
FROM users;
