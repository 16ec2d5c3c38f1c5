-- own_budget_monthly: one row per month of one year through one month, for one unit or all, amounts in kr,
-- with the year-to-date (accumulated) budget and accounts. Whole-year rows have no month and are left out.
-- columns: month, revised_budget, accounts, ytd_budget, ytd_accounts, is_demo, ytd_budget_with_accounts
-- A month without accounts (a budget-only import) has accounts and ytd_accounts null, not 0;
-- ytd_budget_with_accounts sums the revised budget of the lines that have accounts (what ytd_accounts compares with).
-- params: $year, $to_month (1-12), $unit (unit code or 'alle')
WITH m AS (
    SELECT period AS month, sum(revised_budget) AS revised_budget, sum(accounts) AS accounts,
           bool_or(is_demo) AS is_demo,
           coalesce(sum(revised_budget) FILTER (WHERE accounts IS NOT NULL), 0) AS budget_with_accounts
    FROM own_budget_line
    WHERE year = $year AND period IS NOT NULL AND period <= $to_month
      AND ($unit = 'alle' OR unit_code = $unit)
    GROUP BY period
)
SELECT month, revised_budget, accounts,
       sum(revised_budget) OVER (ORDER BY month) AS ytd_budget,
       CASE WHEN accounts IS NOT NULL THEN sum(accounts) OVER (ORDER BY month) END AS ytd_accounts,
       is_demo,
       CASE WHEN accounts IS NOT NULL THEN sum(budget_with_accounts) OVER (ORDER BY month) END
           AS ytd_budget_with_accounts
FROM m
ORDER BY month;
