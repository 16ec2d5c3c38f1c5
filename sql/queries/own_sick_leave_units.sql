-- own_sick_leave_units: one row per unit: sick leave in one year through one month, the rolling 12 months ending
-- that month, the split egenmeldt/legemeldt and short/long term (percent of agreed working days), and the goal.
-- Reads own_sick_leave_display, so a unit too small to show (fewer than 5 employees) in any month of a span has
-- every figure of that span null and status ':'. Percentages: 10.31 = 10,31 %.
-- sick_leave_pct = sum(sick days) / sum(agreed working days); when a file gave percent only, the mean of the months.
-- rolling_12_pct is null unless all 12 months are present. goal_pct: the sick-leave file's goal for the last month,
-- else the unit's scorecard goal for an indicator named "Sykefravær…" that year.
-- columns: unit_code, unit_name, months, sick_leave_pct, self_certified_pct, doctor_certified_pct, short_term_pct,
--          long_term_pct, sick_days, agreed_work_days, rolling_12_pct, rolling_months, goal_pct, employees,
--          status (':' or ''), is_demo, rolling_status (':' when a month of the 12 is hidden, or '')
-- params: $year, $to_month (1-12), $unit (unit code or 'alle')
WITH base AS (
    SELECT d.*, d.year * 12 + d.month - 1 AS ym
    FROM own_sick_leave_display d
    WHERE ($unit = 'alle' OR d.unit_code = $unit)
),
scorecard_goal AS (
    SELECT unit_code, max(goal) AS goal
    FROM own_unit_goal
    WHERE year = $year AND lower(indicator) LIKE 'sykefrav%'
    GROUP BY unit_code
),
span AS (
    SELECT unit_code,
           max(unit_name) AS unit_name,
           count(*) AS months,
           bool_or(status = ':') AS suppressed,
           CASE WHEN count(sick_days) = count(*) AND count(agreed_work_days) = count(*) AND sum(agreed_work_days) > 0
                THEN sum(sick_days) / sum(agreed_work_days) * 100 ELSE avg(sick_leave_pct) END AS sick_leave_pct,
           sum(self_certified_days) / nullif(sum(agreed_work_days), 0) * 100 AS self_certified_pct,
           sum(doctor_certified_days) / nullif(sum(agreed_work_days), 0) * 100 AS doctor_certified_pct,
           sum(short_term_days) / nullif(sum(agreed_work_days), 0) * 100 AS short_term_pct,
           sum(long_term_days) / nullif(sum(agreed_work_days), 0) * 100 AS long_term_pct,
           sum(sick_days) AS sick_days,
           sum(agreed_work_days) AS agreed_work_days,
           arg_max(goal_pct, month) FILTER (WHERE goal_pct IS NOT NULL) AS goal_pct,
           arg_max(employees, month) AS employees,
           bool_or(is_demo) AS is_demo
    FROM base
    WHERE year = $year AND month <= $to_month
    GROUP BY unit_code
),
rolling AS (
    SELECT unit_code,
           count(*) AS rolling_months,
           bool_or(status = ':') AS suppressed,
           CASE WHEN count(sick_days) = count(*) AND count(agreed_work_days) = count(*) AND sum(agreed_work_days) > 0
                THEN sum(sick_days) / sum(agreed_work_days) * 100 ELSE avg(sick_leave_pct) END AS pct
    FROM base
    WHERE ym BETWEEN $year * 12 + $to_month - 12 AND $year * 12 + $to_month - 1
    GROUP BY unit_code
)
SELECT s.unit_code,
       coalesce(u.unit_name, s.unit_name, s.unit_code) AS unit_name,
       s.months,
       CASE WHEN s.suppressed THEN NULL ELSE s.sick_leave_pct END AS sick_leave_pct,
       CASE WHEN s.suppressed THEN NULL ELSE s.self_certified_pct END AS self_certified_pct,
       CASE WHEN s.suppressed THEN NULL ELSE s.doctor_certified_pct END AS doctor_certified_pct,
       CASE WHEN s.suppressed THEN NULL ELSE s.short_term_pct END AS short_term_pct,
       CASE WHEN s.suppressed THEN NULL ELSE s.long_term_pct END AS long_term_pct,
       CASE WHEN s.suppressed THEN NULL ELSE s.sick_days END AS sick_days,
       CASE WHEN s.suppressed THEN NULL ELSE s.agreed_work_days END AS agreed_work_days,
       CASE WHEN s.suppressed OR r.suppressed OR r.rolling_months < 12 THEN NULL ELSE r.pct END AS rolling_12_pct,
       r.rolling_months,
       coalesce(s.goal_pct, g.goal) AS goal_pct,
       s.employees,
       CASE WHEN s.suppressed THEN ':' ELSE '' END AS status,
       s.is_demo,
       CASE WHEN s.suppressed OR r.suppressed THEN ':' ELSE '' END AS rolling_status
FROM span s
LEFT JOIN rolling r USING (unit_code)
LEFT JOIN scorecard_goal g USING (unit_code)
LEFT JOIN own_unit u USING (unit_code)
ORDER BY s.unit_code;
