-- delete_demo_budget: deletes every demo row of own_budget_line (run when a real budget file is imported).
-- returns: one row, the number of rows deleted
-- params: none
DELETE FROM own_budget_line WHERE is_demo;
