-- own_periods: one row per (kind, year) with own data: which years the pages can offer, and the last month.
-- columns: kind ('budget' | 'sick-leave' | 'goals' | 'budget-frame'), year, last_month (null = whole-year rows only)
-- params: none
SELECT 'budget' AS kind, year, max(period) AS last_month FROM own_budget_line GROUP BY year
UNION ALL
SELECT 'sick-leave', year, max(month) FROM own_sick_leave GROUP BY year
UNION ALL
SELECT 'goals', year, NULL FROM own_unit_goal GROUP BY year
UNION ALL
SELECT 'budget-frame', year, NULL FROM own_budget_frame GROUP BY year
ORDER BY 1, 2;
