-- projection_scenario(of_municipality, to_year, use_group_coverage, coverage_80_change_pct, home_instead_pct,
--                     cost_growth_pct): a table macro; one row per (scenario, service, year) for one municipality:
-- projected users of home services and of long-term institution stays (= places needed), and their cost, for the
-- baseline (today's own coverage per age group, today's unit cost) and for the scenario set by the parameters, side
-- by side.
-- columns: scenario ('baseline' | 'scenario'), service ('home_care' | 'long_term'), year, base_year, coverage_year,
--          users, missing (list of 'age_group|status|what' that made users NULL; what: 'projection' (the projected
--          population of that year), 'population' or 'users' (the counts today's coverage divides), 'group' (the
--          KOSTRA group's coverage)), cost, cost_status, group_name,
--          is_demo (population or the coverage used is demo), cost_is_demo (is_demo, or the unit cost is demo)
-- Scenario, applied in this order per age group: the KOSTRA group's coverage instead of our own (use_group_coverage);
-- coverage for 80-89 and 90+ changed by coverage_80_change_pct per cent; home_instead_pct per cent of the projected
-- long-term residents served at home instead (moved from long_term to home_care); unit costs growing by
-- cost_growth_pct per cent a year from the coverage year, the year the unit cost is from (real growth: the baseline
-- stays in today's kroner), so the base year already carries one year of growth.
-- A sum over age groups is NULL when any age group is missing (never a partial total drawn as if complete).
-- parameters: of_municipality (today's code; not `municipality`, a column of the inputs), to_year,
--             use_group_coverage (BOOLEAN), coverage_80_change_pct, home_instead_pct, cost_growth_pct (DOUBLE)
-- Read by sql/queries/projection_scenario.sql (any scenario) and stored for every municipality in the baseline scenario
-- (sql/derive/materialise_views.sql, read by projection_baseline_stored.sql): planning this query costs DuckDB
-- about 6 ms of CPU, nearly all it costs.
CREATE OR REPLACE MACRO projection_scenario(of_municipality, to_year, use_group_coverage, coverage_80_change_pct,
                                            home_instead_pct, cost_growth_pct) AS TABLE
WITH scenarios(scenario) AS (VALUES ('baseline'), ('scenario')),
inputs AS (
    SELECT i.*, s.scenario, (s.scenario = 'scenario') AS is_scenario
    FROM care_projection_inputs i CROSS JOIN scenarios s
    WHERE i.municipality = of_municipality AND i.year <= to_year
),
covered AS (
    SELECT *,
           CASE WHEN is_scenario AND use_group_coverage THEN group_coverage ELSE own_coverage END
             * CASE WHEN is_scenario AND age_order >= 3 THEN 1 + coverage_80_change_pct / 100.0 ELSE 1 END AS coverage,
           CASE WHEN is_scenario AND use_group_coverage THEN group_status ELSE own_status END AS coverage_status,
           CASE WHEN is_scenario AND use_group_coverage THEN 'group' ELSE own_missing END AS coverage_missing,
           is_demo OR CASE WHEN is_scenario AND use_group_coverage THEN group_is_demo ELSE own_is_demo END
               AS users_is_demo
    FROM inputs
),
raw_users AS (
    SELECT *, population * coverage AS users0,
           CASE WHEN population IS NULL THEN population_status ELSE coverage_status END AS users0_status,
           CASE WHEN population IS NULL THEN 'projection' ELSE coverage_missing END AS users0_what
    FROM covered
),
moved AS (
    SELECT scenario, age_group, year,
           CASE WHEN NOT is_scenario OR home_instead_pct = 0 THEN 0.0 ELSE users0 * home_instead_pct / 100.0 END
               AS moved,
           users0_status AS moved_status, users0_what AS moved_what, users_is_demo AS moved_is_demo
    FROM raw_users WHERE service = 'long_term'
),
users AS (
    SELECT r.*,
           r.users0 + CASE WHEN r.service = 'home_care' THEN m.moved ELSE -m.moved END AS users,
           CASE WHEN r.users0 IS NULL THEN r.users0_status WHEN m.moved IS NULL THEN m.moved_status END AS users_status,
           CASE WHEN r.users0 IS NULL THEN r.users0_what WHEN m.moved IS NULL THEN m.moved_what END AS users_what,
           r.users_is_demo OR (r.service = 'home_care' AND m.moved <> 0 AND m.moved_is_demo) AS users_is_demo2
    FROM raw_users r JOIN moved m USING (scenario, age_group, year)
),
costed AS (
    SELECT *,
           users * unit_cost * CASE WHEN is_scenario THEN power(1 + cost_growth_pct / 100.0, year - coverage_year) ELSE 1 END
               AS cost
    FROM users
)
SELECT scenario, service, year, min(base_year) AS base_year, min(coverage_year) AS coverage_year,
       CASE WHEN count(*) FILTER (WHERE users IS NULL) = 0 THEN sum(users ORDER BY age_order) END AS users,
       list(age_group || '|' || coalesce(users_status, '..') || '|' || coalesce(users_what, 'users') ORDER BY age_order) FILTER (WHERE users IS NULL) AS missing,
       CASE WHEN count(*) FILTER (WHERE cost IS NULL) = 0 THEN sum(cost ORDER BY age_order) END AS cost,
       CASE WHEN count(*) FILTER (WHERE users IS NOT NULL AND cost IS NULL) > 0 THEN coalesce(min(unit_cost_status), '..')
            END AS cost_status,
       min(group_name) AS group_name, bool_or(users_is_demo2) AS is_demo,
       bool_or(users_is_demo2 OR unit_cost_is_demo) AS cost_is_demo
FROM costed
GROUP BY scenario, service, year;
