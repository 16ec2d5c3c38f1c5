-- own_sick_leave_total: one row: the sick leave of all units together in one year through one month, and the rolling
-- 12 months ending that month, with secondary suppression (as SSB does).
-- A unit with fewer than 5 employees in a month is hidden (':') in every span that includes that month
-- (own_sick_leave_display, own_sick_leave_units). A sum with a hidden unit in it is hidden too (':'): the sum minus the
-- units shown would give the hidden unit, and with two hidden, sums of neighbouring periods (year to date through
-- July minus through June, where one of them is shown in July) would still single one out. So every sum shown is a
-- sum of figures that are shown themselves: nothing can be worked out by subtraction, across units or periods.
-- sick_leave_pct = sum(sick days) / sum(agreed working days) * 100; null when a unit gave percent only (no weights).
-- columns: units, hidden_units, sick_leave_pct, status (':' or ''), rolling_units, rolling_hidden_units,
--          rolling_12_pct, rolling_status (':' or ''), is_demo
-- params: $year, $to_month (1-12)
WITH base AS (
    SELECT *, year * 12 + month - 1 AS ym, coalesce(employees < 5, false) AS small
    FROM own_sick_leave
),
span_units AS (
    SELECT unit_code, bool_or(small) AS hidden
    FROM base WHERE year = $year AND month <= $to_month GROUP BY unit_code
),
span AS (
    SELECT count(*) AS n,
           CASE WHEN count(sick_days) = count(*) AND count(agreed_work_days) = count(*) AND sum(agreed_work_days) > 0
                THEN sum(sick_days) / sum(agreed_work_days) * 100 END AS pct,
           bool_or(is_demo) AS is_demo
    FROM base WHERE year = $year AND month <= $to_month
),
window_units AS (
    SELECT unit_code, bool_or(small) AS hidden, count(*) AS months
    FROM base WHERE ym BETWEEN $year * 12 + $to_month - 12 AND $year * 12 + $to_month - 1 GROUP BY unit_code
),
rolling AS (
    SELECT count(*) AS n,
           CASE WHEN count(sick_days) = count(*) AND count(agreed_work_days) = count(*) AND sum(agreed_work_days) > 0
                THEN sum(sick_days) / sum(agreed_work_days) * 100 END AS pct,
           min(ym) = $year * 12 + $to_month - 12 AS complete
    FROM base WHERE ym BETWEEN $year * 12 + $to_month - 12 AND $year * 12 + $to_month - 1
)
SELECT (SELECT count(*) FROM span_units) AS units,
       (SELECT count(*) FILTER (WHERE hidden) FROM span_units) AS hidden_units,
       CASE WHEN (SELECT count(*) FILTER (WHERE hidden) FROM span_units) > 0 THEN NULL ELSE span.pct END
           AS sick_leave_pct,
       CASE WHEN (SELECT count(*) FILTER (WHERE hidden) FROM span_units) > 0 THEN ':' ELSE '' END AS status,
       (SELECT count(*) FROM window_units) AS rolling_units,
       (SELECT count(*) FILTER (WHERE hidden) FROM window_units) AS rolling_hidden_units,
       CASE WHEN (SELECT count(*) FILTER (WHERE hidden) FROM window_units) > 0 OR NOT coalesce(rolling.complete, false)
            THEN NULL ELSE rolling.pct END AS rolling_12_pct,
       CASE WHEN (SELECT count(*) FILTER (WHERE hidden) FROM window_units) > 0 THEN ':' ELSE '' END AS rolling_status,
       coalesce(span.is_demo, false) AS is_demo
FROM span, rolling;
