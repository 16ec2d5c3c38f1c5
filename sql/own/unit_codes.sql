-- unit_codes: one row per unit in the unit register (own_unit), to tell which units of a file are new.
-- A real import ignores units known only from demo rows (those rows are about to be removed).
-- columns: unit_code
-- params: $is_demo (true = the incoming file is demo data, so demo units count as known)
SELECT unit_code FROM own_unit WHERE $is_demo OR NOT is_demo;
