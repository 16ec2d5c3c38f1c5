-- own_units: one row per unit in the municipality's own data (the unit register own_unit).
-- columns: unit_code, unit_name, sector, is_demo
-- params: none
SELECT unit_code, coalesce(unit_name, unit_code) AS unit_name, sector, is_demo
FROM own_unit
ORDER BY sector NULLS LAST, unit_code;
