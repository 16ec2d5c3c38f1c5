-- insert_rows_budget: appends the parsed rows of a budget file to own_budget_line
-- (one row per row of _own_rows).
-- columns written: batch_id, unit_code, unit_name, sector, service_code, service_name, art_code, art_name,
--                  year, period, original_budget, budget_changes, revised_budget, accounts, is_demo
-- params: $batch_id, $is_demo
-- reads: _own_rows (the parsed rows, registered by store.py)
INSERT INTO own_budget_line (
    batch_id, unit_code, unit_name, sector, service_code, service_name, art_code, art_name, year, period,
    original_budget, budget_changes, revised_budget, accounts, is_demo
)
SELECT $batch_id, unit_code, unit_name, sector, service_code, service_name, art_code, art_name, year, period,
       original_budget, budget_changes, revised_budget, accounts, $is_demo
FROM _own_rows;
