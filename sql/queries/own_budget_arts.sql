-- own_budget_arts: one row per (service, art) for one unit (or all) in one year through one month, amounts in kr.
-- columns: service_code, service_name, art_code, art_name, original_budget, budget_changes, revised_budget,
--          accounts, is_demo
-- params: $year, $to_month (1-12), $unit (unit code or 'alle'), $sector (sector name or 'alle')
SELECT l.service_code,
       max(l.service_name) AS service_name,
       l.art_code,
       max(l.art_name) AS art_name,
       sum(l.original_budget) AS original_budget,
       sum(l.budget_changes) AS budget_changes,
       sum(l.revised_budget) AS revised_budget,
       sum(l.accounts) AS accounts,
       bool_or(l.is_demo) AS is_demo
FROM own_budget_line l
LEFT JOIN own_unit u USING (unit_code)
WHERE l.year = $year
  AND (l.period <= $to_month OR (l.period IS NULL AND $to_month = 12))
  AND ($unit = 'alle' OR l.unit_code = $unit)
  AND ($sector = 'alle' OR coalesce(l.sector, u.sector, 'Uten sektor') = $sector)
GROUP BY l.service_code, l.art_code
ORDER BY l.service_code NULLS LAST, l.art_code NULLS LAST;
