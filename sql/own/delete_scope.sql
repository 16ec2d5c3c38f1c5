-- delete_scope_budget: deletes the rows of own_budget_line that an incoming budget file replaces,
-- i.e. rows in one of its slices (year, period); demo rows included.
-- A whole-year slice (period null) covers the year; a month covers that month and the year's whole-year
-- rows, so a year never holds both grains.
-- returns: one row, the number of rows deleted
-- params: none
-- reads: _own_scope (the file's slices, registered by store.py)
DELETE FROM own_budget_line t
WHERE EXISTS (
    SELECT 1 FROM _own_scope s
    WHERE s.year = t.year AND (s.period IS NULL OR t.period IS NULL OR s.period = t.period)
);
