-- age_adjusted_pairs(municipality, reference): a table macro (a view with parameters), one row per
-- (year, service, age_group): one municipality's inputs beside the reference's, with age shares and coverage.
-- The split (sql/queries/age_adjusted_split.sql: the parts, and the coverage table from its age-group rows) reads it.
-- parameters: municipality  today's municipality code;
--             reference     'EAKUO' (landet uten Oslo), 'EAK' (landet), 'group' (the municipality's KOSTRA group that
--                           year, from its main line's membership) or today's code of one other municipality.
-- columns: year, service, age_group, age_order, reference_code, reference_kind,
--          own_population, own_population_status, own_region_population, own_region_population_status, own_users,
--          own_users_status, own_unit_cost, own_unit_cost_status, reference_population, reference_population_status,
--          reference_region_population, reference_region_population_status, reference_users, reference_users_status,
--          reference_unit_cost, reference_unit_cost_status, reference_member_sums, is_demo,
--          own_share, own_coverage, reference_share, reference_coverage
-- share = inhabitants in the age group / inhabitants in all age groups; coverage = users / inhabitants in the age group
-- (0 where both are 0). Either is NULL where an input is missing (the status columns say why); the reference's
-- columns are NULL with status '..' in a year the municipality has no KOSTRA group.
CREATE OR REPLACE MACRO age_adjusted_pairs(municipality, reference) AS TABLE
WITH own AS (  -- step 1: our rows
    SELECT * FROM age_adjusted_inputs WHERE region_code = municipality AND region_kind = 'municipality'
),
own_group AS (  -- step 2: our KOSTRA group each year
    SELECT m.year, min(m.group_code) AS group_code
    FROM region_lineage l
    JOIN kostra_group_membership m ON m.municipality_code = l.code
    WHERE l.current_code = municipality AND l.main_line
    GROUP BY m.year
),
reference_codes AS (  -- step 3: which region is the reference, year by year
    SELECT y.year, CASE WHEN reference = 'group' THEN g.group_code ELSE reference END AS reference_code
    FROM (SELECT DISTINCT year FROM own) y
    LEFT JOIN own_group g USING (year)
),
paired AS (  -- step 4: our row and the reference's row side by side
    SELECT o.year, o.service, o.age_group, o.age_order, rc.reference_code, r.region_kind AS reference_kind,
           o.population AS own_population, o.population_status AS own_population_status,
           o.region_population AS own_region_population, o.region_population_status AS own_region_population_status,
           o.users AS own_users, o.users_status AS own_users_status,
           o.unit_cost AS own_unit_cost, o.unit_cost_status AS own_unit_cost_status,
           r.population AS reference_population,
           CASE WHEN r.population IS NULL THEN coalesce(r.population_status, '..') END AS reference_population_status,
           r.region_population AS reference_region_population,
           CASE WHEN r.region_population IS NULL THEN coalesce(r.region_population_status, '..') END
               AS reference_region_population_status,
           r.users AS reference_users,
           CASE WHEN r.users IS NULL THEN coalesce(r.users_status, '..') END AS reference_users_status,
           r.unit_cost AS reference_unit_cost,
           CASE WHEN r.unit_cost IS NULL THEN coalesce(r.unit_cost_status, '..') END AS reference_unit_cost_status,
           coalesce(r.users_own_calculation AND r.region_kind <> 'municipality' AND r.service = 'long_term', false)
               AS reference_member_sums,
           o.is_demo OR coalesce(r.is_demo, false) AS is_demo
    FROM own o
    JOIN reference_codes rc USING (year)
    LEFT JOIN age_adjusted_inputs r
           ON r.region_code = rc.reference_code AND r.year = o.year AND r.service = o.service
          AND r.age_group = o.age_group
)
SELECT *,  -- step 5: age shares and coverage
       own_population / own_region_population AS own_share,
       CASE WHEN own_population > 0 THEN own_users / own_population
            WHEN own_population = 0 AND own_users = 0 THEN 0.0 END AS own_coverage,
       reference_population / reference_region_population AS reference_share,
       CASE WHEN reference_population > 0 THEN reference_users / reference_population
            WHEN reference_population = 0 AND reference_users = 0 THEN 0.0 END AS reference_coverage
FROM paired;
