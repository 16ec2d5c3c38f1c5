-- own_sick_leave_monthly: one row per (unit, month) of one year through one month: the month's sick leave and the
-- rolling 12 months ending that month (null unless 12 months are present), with the month's goal.
-- Reads own_sick_leave_display: a month of a unit with fewer than 5 employees has null figures and status ':',
-- and so has every rolling value whose window includes such a month. Percent: 10.31 = 10,31 %.
-- columns: unit_code, unit_name, year, month, sick_leave_pct, rolling_12_pct, goal_pct, status, is_demo
-- params: $year, $to_month (1-12), $unit (unit code or 'alle')
WITH base AS (
    SELECT d.*, d.year * 12 + d.month - 1 AS ym
    FROM own_sick_leave_display d
    WHERE ($unit = 'alle' OR d.unit_code = $unit)
),
shown AS (
    SELECT * FROM base WHERE year = $year AND month <= $to_month
),
rolling AS (
    SELECT s.unit_code, s.month,
           count(*) AS n,
           bool_or(b.status = ':') AS suppressed,
           CASE WHEN count(b.sick_days) = count(*) AND count(b.agreed_work_days) = count(*)
                     AND sum(b.agreed_work_days) > 0
                THEN sum(b.sick_days) / sum(b.agreed_work_days) * 100 ELSE avg(b.sick_leave_pct) END AS pct
    FROM shown s
    JOIN base b ON b.unit_code = s.unit_code AND b.ym BETWEEN s.ym - 11 AND s.ym
    GROUP BY s.unit_code, s.month
)
SELECT s.unit_code,
       coalesce(u.unit_name, s.unit_name, s.unit_code) AS unit_name,
       s.year,
       s.month,
       coalesce(s.sick_leave_pct, s.sick_days / nullif(s.agreed_work_days, 0) * 100) AS sick_leave_pct,
       CASE WHEN r.suppressed OR r.n < 12 THEN NULL ELSE r.pct END AS rolling_12_pct,
       s.goal_pct,
       s.status,
       s.is_demo
FROM shown s
JOIN rolling r USING (unit_code, month)
LEFT JOIN own_unit u USING (unit_code)
ORDER BY s.unit_code, s.month;
