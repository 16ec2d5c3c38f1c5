-- own_budget_monthly: one row per month of one year through one month, for one unit or all, amounts in kr,
-- with the year-to-date (accumulated) budget and accounts. Whole-year rows have no month and are left out.
-- columns: month, revised_budget, accounts, ytd_budget, ytd_accounts, is_demo
-- params: $year, $to_month (1-12), $unit (unit code or 'alle')
WITH m AS (
    SELECT period AS month, sum(revised_budget) AS revised_budget, sum(accounts) AS accounts,
           bool_or(is_demo) AS is_demo
    FROM own_budget_line
    WHERE year = $year AND period IS NOT NULL AND period <= $to_month
      AND ($unit = 'alle' OR unit_code = $unit)
    GROUP BY period
)
SELECT month, revised_budget, accounts,
       sum(revised_budget) OVER (ORDER BY month) AS ytd_budget,
       sum(accounts) OVER (ORDER BY month) AS ytd_accounts,
       is_demo
FROM m
ORDER BY month;
