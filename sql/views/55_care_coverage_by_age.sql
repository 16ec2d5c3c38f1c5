-- care_coverage_by_age: one row per (region_code, service, age_group) for today's municipalities (current codes)
-- and KOSTRA groups: users of a care service per inhabitant in the age group, in the coverage year.
-- Coverage year = the projection's base year - 1: users at 31 December (SSB table 11645, via the catalogue's
-- home_care_users_age_* and long_term_residents_age_* counts) over the population on 1 January after (the base year
-- of the projection). A group's coverage is its users (SSB's or our member sum) over its members' population.
-- columns: region_code, region_kind ('municipality' | 'kostra_group'), service ('home_care' | 'long_term'),
--          age_group, age_order, coverage_year, users, users_status, population, population_status, coverage,
--          status, is_demo
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
municipal_users AS (
    SELECT s.current_code AS region_code, 'municipality' AS region_kind, k.service, k.age_group, k.age_order,
           s.value AS users, s.status AS users_status, s.is_demo
    FROM kinds k
    JOIN municipality_series s ON s.indicator_id = k.indicator_id
    WHERE s.year = (SELECT base_year - 1 FROM base)
),
group_users AS (
    SELECT iv.region_code, 'kostra_group' AS region_kind, k.service, k.age_group, k.age_order,
           iv.value AS users, iv.status AS users_status, iv.is_demo
    FROM kinds k
    JOIN indicator_values iv ON iv.indicator_id = k.indicator_id
    WHERE iv.region_kind = 'kostra_group' AND iv.year = (SELECT base_year - 1 FROM base)
),
municipal_population AS (
    SELECT p.region_code, p.age_group, p.population, p.status
    FROM projected_population p
    WHERE p.year = (SELECT base_year FROM base)
),
group_population AS (
    SELECT m.group_code AS region_code, a.age_group,
           CASE WHEN count(*) FILTER (WHERE p.population IS NULL) = 0 THEN sum(p.population) END AS population,
           CASE WHEN count(*) FILTER (WHERE p.population IS NULL) > 0 THEN '..' END AS status
    FROM kostra_group_membership m
    CROSS JOIN (SELECT DISTINCT age_group FROM kinds) a
    LEFT JOIN municipal_population p ON p.region_code = m.municipality_code AND p.age_group = a.age_group
    WHERE m.year = (SELECT base_year - 1 FROM base)
    GROUP BY m.group_code, a.age_group
),
users AS (
    SELECT u.*, p.population, p.status AS population_status
    FROM municipal_users u LEFT JOIN municipal_population p USING (region_code, age_group)
    UNION ALL
    SELECT u.*, p.population, p.status AS population_status
    FROM group_users u LEFT JOIN group_population p USING (region_code, age_group)
)
SELECT region_code, region_kind, service, age_group, age_order, (SELECT base_year - 1 FROM base) AS coverage_year,
       users, users_status, population, population_status,
       CASE WHEN users IS NOT NULL AND population > 0 THEN users / population END AS coverage,
       CASE WHEN users IS NULL THEN coalesce(users_status, '..')
            WHEN population IS NULL OR population = 0 THEN coalesce(population_status, '..') END AS status,
       is_demo
FROM users;
