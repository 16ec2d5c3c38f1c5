-- projection_scenario: the projection for one municipality in any scenario, computed now
-- (sql/views/65_projection_scenario.sql has the method, and its grain and columns). In the baseline scenario (no
-- change set), read the stored projection instead (projection_baseline_stored.sql): planning this query costs DuckDB
-- about 6 ms of CPU.
-- grain: one row per (scenario, service, year), years up to $to_year
-- columns: those of the projection_scenario macro
-- params: $municipality, $to_year, $use_group_coverage, $coverage_80_change_pct, $home_instead_pct, $cost_growth_pct
SELECT *
FROM projection_scenario($municipality, $to_year, $use_group_coverage, $coverage_80_change_pct, $home_instead_pct,
                         $cost_growth_pct)
ORDER BY scenario, service, year;
