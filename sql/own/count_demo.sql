-- count_demo_budget: one row: how many demo rows own_budget_line holds (a real budget import removes them all).
-- columns: n
-- params: none
SELECT count(*) AS n FROM own_budget_line WHERE is_demo;
