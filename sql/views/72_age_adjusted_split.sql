-- age_adjusted_split(municipality, reference, from_year): a table macro; for one municipality and reference,
-- from from_year, one row per
--   (year, service, age_group)  level 'age_group': the age group's inputs side by side (the coverage table) and its
--                               contribution to each figure below;
--   (year, service)             level 'service', service 'home_care' | 'long_term';
--   (year)                      level 'total', service 'total':
-- our modelled spending, what the reference's spending per inhabitant would cost with our inhabitants, the gap, and
-- the gap split into demography, coverage and unit cost (kroner). One query for the page's every figure and table.
-- columns: level, year, service, service_order, age_group, age_order, reference_code, reference_name,
--          reference_kind, population, own_population, own_population_status, own_share, own_users,
--          own_users_status, own_coverage, reference_population, reference_population_status, reference_share,
--          reference_users, reference_users_status, reference_coverage, modelled, baseline, gap, demography, coverage,
--          unit_cost, gap_missing, demography_missing, coverage_missing, unit_cost_missing, reference_member_sums,
--          is_demo       (age_order and the own_* and reference_* input columns are NULL on the 'service' and
--          'total' rows)
-- parameters: municipality (today's code), reference ('EAKUO' | 'EAK' | 'group' | today's code of a municipality),
--             from_year
-- Method, for our inhabitants N, our age shares w, coverage c (users per inhabitant) and unit cost u per service,
-- summed over the service's age groups a (k = ours, r = the reference's):
--   modelled   = N * sum(w_k * c_k * u_k)                    (= users x unit cost: modelled KBDU, not accounts)
--   baseline   = N * sum(w_r * c_r * u_r)                    (the reference's spending per inhabitant, our N)
--   gap        = modelled - baseline
--   demography = N * sum((w_k - w_r) * c_r * u_r)            our age structure at the reference's coverage and cost
--   coverage   = N * sum(w_k * (c_k - c_r) * u_r)            our coverage minus theirs, at the reference's unit cost
--   unit_cost  = N * sum(w_k * c_k * (u_k - u_r))            our unit cost minus theirs, at our coverage
-- In this order (demography, then coverage, then unit cost) the three parts add up to the gap exactly.
-- A part is NULL when an input it needs is missing, never 0; *_missing lists the missing inputs as
-- 'service|who|input|age_group|status' (who 'own' | 'reference'; input 'population' | 'users' | 'unit_cost'; age_group ''
-- for unit costs). A total over services is NULL when a service's part is (one aggregation with grouping
-- sets gives the services and their total).
-- Read by sql/queries/age_adjusted_split.sql (any reference) and stored for every municipality and the three
-- references every municipality has (sql/derive/materialise_views.sql, read by age_adjusted_split_stored.sql):
-- planning this query costs DuckDB about 10 ms of CPU, more than running it.
CREATE OR REPLACE MACRO age_adjusted_split(municipality, reference, from_year) AS TABLE
WITH pairs AS (
    SELECT * FROM age_adjusted_pairs(municipality, reference) WHERE year >= from_year
),
missing_inputs AS (  -- step 1: which inputs are missing, named once per age group
    SELECT *,
           CASE WHEN own_share IS NULL THEN service || '|' || 'own|population|' || age_group || '|'
                || coalesce(own_population_status, own_region_population_status, '..') END AS own_population_missing,
           CASE WHEN own_coverage IS NULL AND own_population IS NOT NULL
                THEN service || '|' || 'own|users|' || age_group || '|' || coalesce(own_users_status, '..') END AS own_users_missing,
           CASE WHEN own_unit_cost IS NULL THEN service || '|' || 'own|unit_cost||' || coalesce(own_unit_cost_status, '..') END
               AS own_unit_cost_missing,
           CASE WHEN reference_share IS NULL THEN service || '|' || 'reference|population|' || age_group || '|'
                || coalesce(reference_population_status, reference_region_population_status, '..') END
               AS reference_population_missing,
           CASE WHEN reference_coverage IS NULL AND reference_population IS NOT NULL
                THEN service || '|' || 'reference|users|' || age_group || '|' || coalesce(reference_users_status, '..') END
               AS reference_users_missing,
           CASE WHEN reference_unit_cost IS NULL
                THEN service || '|' || 'reference|unit_cost||' || coalesce(reference_unit_cost_status, '..') END AS reference_unit_cost_missing
    FROM pairs
),
terms AS (  -- step 2: each age group's contribution per inhabitant of ours, and what each part needs
    SELECT *,
           own_share * own_coverage * own_unit_cost AS modelled_term,
           reference_share * reference_coverage * reference_unit_cost AS baseline_term,
           (own_share - reference_share) * reference_coverage * reference_unit_cost AS demography_term,
           own_share * (own_coverage - reference_coverage) * reference_unit_cost AS coverage_term,
           own_share * own_coverage * (own_unit_cost - reference_unit_cost) AS unit_cost_term,
           list_filter([own_population_missing, reference_population_missing, reference_users_missing,
                        reference_unit_cost_missing], x -> x IS NOT NULL) AS demography_needs,
           list_filter([own_population_missing, own_users_missing, reference_population_missing,
                        reference_users_missing, reference_unit_cost_missing], x -> x IS NOT NULL) AS coverage_needs,
           list_filter([own_population_missing, own_users_missing, own_unit_cost_missing,
                        reference_unit_cost_missing], x -> x IS NOT NULL) AS unit_cost_needs,
           list_filter([own_population_missing, own_users_missing, own_unit_cost_missing,
                        reference_population_missing, reference_users_missing, reference_unit_cost_missing],
                       x -> x IS NOT NULL) AS gap_needs
    FROM missing_inputs
),
summed AS (  -- step 3: sum over age groups (per service, and over both services for 'total'), times our
             -- inhabitants; NULL when any age group's term is. The age-group level keeps the inputs.
    SELECT CASE WHEN GROUPING(age_group) = 0 THEN 'age_group' WHEN GROUPING(service) = 0 THEN 'service'
                ELSE 'total' END AS level,
           year, coalesce(service, 'total') AS service,
           CASE service WHEN 'home_care' THEN 1 WHEN 'long_term' THEN 2 ELSE 3 END AS service_order,
           age_group, CASE WHEN GROUPING(age_group) = 0 THEN any_value(age_order) END AS age_order,
           any_value(reference_code) AS reference_code, any_value(reference_kind) AS reference_kind,
           any_value(own_region_population) AS population,
           CASE WHEN GROUPING(age_group) = 0 THEN any_value(own_population) END AS own_population,
           CASE WHEN GROUPING(age_group) = 0 THEN any_value(own_population_status) END AS own_population_status,
           CASE WHEN GROUPING(age_group) = 0 THEN any_value(own_share) END AS own_share,
           CASE WHEN GROUPING(age_group) = 0 THEN any_value(own_users) END AS own_users,
           CASE WHEN GROUPING(age_group) = 0 THEN any_value(own_users_status) END AS own_users_status,
           CASE WHEN GROUPING(age_group) = 0 THEN any_value(own_coverage) END AS own_coverage,
           CASE WHEN GROUPING(age_group) = 0 THEN any_value(reference_population) END AS reference_population,
           CASE WHEN GROUPING(age_group) = 0 THEN any_value(reference_population_status) END
               AS reference_population_status,
           CASE WHEN GROUPING(age_group) = 0 THEN any_value(reference_share) END AS reference_share,
           CASE WHEN GROUPING(age_group) = 0 THEN any_value(reference_users) END AS reference_users,
           CASE WHEN GROUPING(age_group) = 0 THEN any_value(reference_users_status) END AS reference_users_status,
           CASE WHEN GROUPING(age_group) = 0 THEN any_value(reference_coverage) END AS reference_coverage,
           CASE WHEN count(*) FILTER (WHERE modelled_term IS NULL) = 0
                THEN any_value(own_region_population) * sum(modelled_term) END AS modelled,
           CASE WHEN count(*) FILTER (WHERE baseline_term IS NULL) = 0
                THEN any_value(own_region_population) * sum(baseline_term) END AS baseline,
           CASE WHEN count(*) FILTER (WHERE demography_term IS NULL) = 0
                THEN any_value(own_region_population) * sum(demography_term) END AS demography,
           CASE WHEN count(*) FILTER (WHERE coverage_term IS NULL) = 0
                THEN any_value(own_region_population) * sum(coverage_term) END AS coverage,
           CASE WHEN count(*) FILTER (WHERE unit_cost_term IS NULL) = 0
                THEN any_value(own_region_population) * sum(unit_cost_term) END AS unit_cost,
           list_sort(list_distinct(flatten(list(gap_needs)))) AS gap_missing,
           list_sort(list_distinct(flatten(list(demography_needs)))) AS demography_missing,
           list_sort(list_distinct(flatten(list(coverage_needs)))) AS coverage_missing,
           list_sort(list_distinct(flatten(list(unit_cost_needs)))) AS unit_cost_missing,
           bool_or(reference_member_sums) AS reference_member_sums,
           bool_or(is_demo) AS is_demo
    FROM terms
    GROUP BY GROUPING SETS ((year, service, age_group), (year, service), (year))
)
SELECT s.level, s.year, s.service, s.service_order, s.age_group, s.age_order, s.reference_code,
       r.name AS reference_name, s.reference_kind, s.population,
       s.own_population, s.own_population_status, s.own_share, s.own_users, s.own_users_status, s.own_coverage,
       s.reference_population, s.reference_population_status, s.reference_share, s.reference_users,
       s.reference_users_status, s.reference_coverage,
       s.modelled, s.baseline, s.modelled - s.baseline AS gap, s.demography, s.coverage, s.unit_cost,
       s.gap_missing, s.demography_missing, s.coverage_missing, s.unit_cost_missing, s.reference_member_sums, s.is_demo
FROM summed s
LEFT JOIN region r ON r.code = s.reference_code;
