-- delete_demo_budget_frame: deletes every demo row of own_budget_frame
-- (run when a real budget-frame file is imported).
-- returns: one row, the number of rows deleted
-- params: none
DELETE FROM own_budget_frame WHERE is_demo;
