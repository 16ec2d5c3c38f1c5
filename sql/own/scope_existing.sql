-- scope_existing_budget: one row per slice (year, period) of an incoming budget file, with how many
-- stored rows of own_budget_line that slice would replace.
-- Demo rows count only for a demo file, as in count_replaced_budget.sql: a real file removes all demo rows anyway,
-- and the import summary says so once (counted by count_demo_budget.sql).
-- A whole-year slice (period null) covers the year; a month covers that month and the year's whole-year
-- rows, so a year never holds both grains.
-- columns: year, period, new_rows, existing_rows
-- params: $is_demo (the incoming file is demo data)
-- reads: _own_scope (the file's slices, registered by store.py)
SELECT s.year, s.period, s.new_rows,
       (SELECT count(*) FROM own_budget_line t
        WHERE s.year = t.year AND (s.period IS NULL OR t.period IS NULL OR s.period = t.period)
          AND ($is_demo OR NOT t.is_demo)) AS existing_rows
FROM _own_scope s;
