-- scope_existing_budget: one row per slice (year, period) of an incoming budget file, with how many
-- stored rows of own_budget_line that slice would replace (demo rows included).
-- A whole-year slice (period null) covers the year; a month covers that month and the year's whole-year
-- rows, so a year never holds both grains.
-- columns: year, period, new_rows, existing_rows
-- params: none
-- reads: _own_scope (the file's slices, registered by store.py)
SELECT s.year, s.period, s.new_rows,
       (SELECT count(*) FROM own_budget_line t
        WHERE s.year = t.year AND (s.period IS NULL OR t.period IS NULL OR s.period = t.period)) AS existing_rows
FROM _own_scope s;
