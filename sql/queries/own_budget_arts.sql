-- own_budget_arts: one row per (service, art) for one unit (or all) in one year through one month, amounts in kr.
-- columns: service_code, service_name, art_code, art_name, original_budget, budget_changes, revised_budget,
--          accounts, is_demo, budget_with_accounts
-- accounts is null where no line has accounts (a budget-only import stores them as missing, not 0);
-- budget_with_accounts is the revised budget of the lines that have accounts, what a deviation compares with.
-- params: $year, $to_month (1-12), $unit (unit code or 'alle'), $sector (sector name or 'alle')
SELECT l.service_code,
       max(l.service_name) AS service_name,
       l.art_code,
       max(l.art_name) AS art_name,
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
GROUP BY l.service_code, l.art_code
ORDER BY l.service_code NULLS LAST, l.art_code NULLS LAST;
