-- own_budget_units: one row per (sector, unit) for one year through one month (year to date), amounts in kr.
-- Whole-year rows (period null) only count when the whole year is chosen ($to_month = 12).
-- columns: sector, unit_code, unit_name, original_budget, budget_changes, revised_budget, accounts, is_demo,
--          budget_with_accounts
-- accounts is null where no line has accounts (a budget-only import stores them as missing, not 0);
-- budget_with_accounts is the revised budget of the lines that have accounts, what a deviation compares with.
-- params: $year, $to_month (1-12), $unit (unit code or 'alle'), $sector (sector name or 'alle')
SELECT coalesce(l.sector, u.sector, 'Uten sektor') AS sector,
       l.unit_code,
       coalesce(u.unit_name, max(l.unit_name), l.unit_code) AS unit_name,
       sum(l.original_budget) AS original_budget,
       sum(l.budget_changes) AS budget_changes,
       sum(l.revised_budget) AS revised_budget,
       sum(l.accounts) AS accounts,
       bool_or(l.is_demo) AS is_demo,
       sum(l.revised_budget) FILTER (WHERE l.accounts IS NOT NULL) AS budget_with_accounts
FROM own_budget_line l
LEFT JOIN own_unit u USING (unit_code)
WHERE l.year = $year
  AND (l.period <= $to_month OR (l.period IS NULL AND $to_month = 12))
  AND ($unit = 'alle' OR l.unit_code = $unit)
  AND ($sector = 'alle' OR coalesce(l.sector, u.sector, 'Uten sektor') = $sector)
GROUP BY 1, l.unit_code, u.unit_name
ORDER BY sector, l.unit_code;
