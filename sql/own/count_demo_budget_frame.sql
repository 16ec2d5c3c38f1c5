-- count_demo_budget_frame: one row: how many demo rows own_budget_frame holds
-- (a real budget-frame import removes them all).
-- columns: n
-- params: none
SELECT count(*) AS n FROM own_budget_frame WHERE is_demo;
