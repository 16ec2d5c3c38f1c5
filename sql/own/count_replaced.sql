-- count_replaced_budget: one row: how many stored rows of own_budget_line an incoming budget file replaces,
-- i.e. rows in one of its slices (year, period).
-- A whole-year slice (period null) covers the year; a month covers that month and the year's whole-year
-- rows, so a year never holds both grains.
-- Demo rows in the slices count only for a demo file: a real file removes all demo rows anyway
-- (counted by count_demo_budget.sql).
-- columns: n
-- params: $is_demo (the incoming file is demo data)
-- reads: _own_scope (the file's slices, registered by store.py)
SELECT count(*) AS n
FROM own_budget_line t
WHERE EXISTS (
    SELECT 1 FROM _own_scope s
    WHERE s.year = t.year AND (s.period IS NULL OR t.period IS NULL OR s.period = t.period)
)
  AND ($is_demo OR NOT t.is_demo);
