-- count_accounts_replaced: one row: how many stored rows of own_budget_line that an incoming budget
-- file replaces hold accounts (regnskap). A budget-only file replacing them would leave those periods without
-- accounts, so the import plan warns about it.
-- A whole-year slice (period null) covers the year; a month covers that month and the year's whole-year rows.
-- columns: n
-- params: $is_demo (the incoming file is demo data)
-- reads: _own_scope (the file's slices, registered by store.py)
SELECT count(*) AS n
FROM own_budget_line t
WHERE EXISTS (
    SELECT 1 FROM _own_scope s
    WHERE s.year = t.year AND (s.period IS NULL OR t.period IS NULL OR s.period = t.period)
)
  AND ($is_demo OR NOT t.is_demo)
  AND t.accounts IS NOT NULL;
