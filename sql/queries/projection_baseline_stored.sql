-- projection_baseline_stored: the projection for one municipality in the baseline scenario (no change set: own
-- coverage, no move to home services, no growth in unit cost), read from the projection stored at build
-- (sql/derive/materialise_views.sql): the same rows, in the same order, as projection_scenario.sql gives for it.
-- grain: one row per (scenario, service, year), years up to $to_year
-- columns: those of the projection_scenario macro (sql/views/65_projection_scenario.sql)
-- params: $municipality, $to_year
SELECT * EXCLUDE (municipality)
FROM projection_baseline_store
WHERE municipality = $municipality AND year <= $to_year
ORDER BY scenario, service, year;
