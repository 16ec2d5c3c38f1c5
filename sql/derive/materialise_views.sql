-- materialise_views: runs last in the build. Stores the results of the three row-level views as tables
-- (sorted for range scans) and redefines each view as a plain read of its table.
-- Why: the page queries must answer in under 10 ms, and DuckDB spends most of that planning the nested views.
-- The logic stays in sql/views/*.sql (used during the build, e.g. by the formulas); the database file is
-- read-only afterwards, so the stored results cannot go stale.
-- grain: indicator_values_store      one row per (indicator_id, region_code, year)
--        municipality_overview_store one row per (current_code, indicator_id, year)
--        municipality_series_store   one row per (indicator_id, current_code, year)
--        predecessor_series_store    one row per (indicator_id, current_code, predecessor_code, year)
CREATE TABLE indicator_values_store AS
    SELECT * FROM indicator_values ORDER BY indicator_id, region_code, year;
CREATE TABLE municipality_series_store AS
    SELECT * FROM municipality_series ORDER BY indicator_id, current_code, year;
CREATE TABLE predecessor_series_store AS
    SELECT * FROM predecessor_series ORDER BY indicator_id, current_code, year;
CREATE TABLE municipality_overview_store AS
    SELECT * FROM municipality_overview ORDER BY current_code, year, indicator_id;
CREATE OR REPLACE VIEW municipality_overview AS SELECT * FROM municipality_overview_store;
CREATE OR REPLACE VIEW predecessor_series AS SELECT * FROM predecessor_series_store;
CREATE OR REPLACE VIEW municipality_series AS SELECT * FROM municipality_series_store;
CREATE OR REPLACE VIEW indicator_values AS SELECT * FROM indicator_values_store;
-- projection (page /fremskriving): the scenario query re-runs on every change of a control, so its inputs are stored
-- grain: care_projection_inputs_store one row per (municipality, service, age_group, year)
--        projected_population_store   one row per (region_code, age_group, year)
--        care_coverage_by_age_store   one row per (region_code, service, age_group)
CREATE TABLE care_projection_inputs_store AS
    SELECT * FROM care_projection_inputs ORDER BY municipality, service, age_order, year;
CREATE TABLE projected_population_store AS
    SELECT * FROM projected_population ORDER BY region_code, age_order, year;
CREATE TABLE care_coverage_by_age_store AS
    SELECT * FROM care_coverage_by_age ORDER BY region_code, service, age_order;
CREATE OR REPLACE VIEW care_projection_inputs AS SELECT * FROM care_projection_inputs_store;
CREATE OR REPLACE VIEW projected_population AS SELECT * FROM projected_population_store;
CREATE OR REPLACE VIEW care_coverage_by_age AS SELECT * FROM care_coverage_by_age_store;
-- age-adjusted comparison (page /aldersjustert): reruns on every change of reference or year, so its inputs are stored
-- grain: age_adjusted_inputs_store one row per (region_code, year, service, age_group)
CREATE TABLE age_adjusted_inputs_store AS
    SELECT * FROM age_adjusted_inputs ORDER BY region_code, year, service, age_order;
CREATE OR REPLACE VIEW age_adjusted_inputs AS SELECT * FROM age_adjusted_inputs_store;
-- the split itself for the references every municipality has (the country with and without Oslo, its KOSTRA group):
-- planning the split's query costs about 10 ms of CPU per municipality and reference, one query for all well under
-- a second. Any other reference (a municipality) is computed when asked (sql/queries/age_adjusted_split.sql).
-- grain: age_adjusted_split_store one row per (municipality, reference, year, service, age_group), per
--        (municipality, reference, year, service) and per (municipality, reference, year)
CREATE TABLE age_adjusted_split_store AS
    WITH municipalities AS (
        SELECT DISTINCT region_code AS municipality FROM age_adjusted_inputs WHERE region_kind = 'municipality'
    ),
    stored_references(reference) AS (VALUES ('EAKUO'), ('EAK'), ('group'))
    SELECT m.municipality, r.reference, s.*
    FROM municipalities m
    CROSS JOIN stored_references r,
    LATERAL age_adjusted_split(m.municipality, r.reference, 0) s
    ORDER BY m.municipality, r.reference, s.year, s.service_order, s.level <> 'age_group', s.age_order;
-- the projection in the baseline scenario (no change set), which every municipality's /fremskriving opens with:
-- planning its query costs about 6 ms of CPU per municipality, one query for all about a second. Each year is
-- projected on its own, so the years up to any horizon are the stored rows up to it.
-- grain: projection_baseline_store one row per (municipality, scenario, service, year)
CREATE TABLE projection_baseline_store AS
    WITH municipalities AS (SELECT DISTINCT municipality FROM care_projection_inputs)
    SELECT m.municipality, p.*
    FROM municipalities m,
    LATERAL projection_scenario(m.municipality, 9999, false, 0.0::DOUBLE, 0.0::DOUBLE, 0.0::DOUBLE) p
    ORDER BY m.municipality, p.scenario, p.service, p.year;
