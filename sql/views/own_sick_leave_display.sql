-- own_sick_leave_display: one row per (unit_code, year, month), as own_sick_leave, safe to show.
-- Privacy: when employees < 5 every figure that could point at a person (days and percent) is null and
-- status = ':' (as SSB suppresses small counts); otherwise status = ''. employees null = not given = shown.
-- columns: batch_id, unit_code, unit_name, year, month, sick_days, self_certified_days, doctor_certified_days,
-- short_term_days, long_term_days, agreed_work_days, sick_leave_pct, employees, goal_pct, is_demo, status
CREATE OR REPLACE VIEW own_sick_leave_display AS
SELECT
    batch_id,
    unit_code,
    unit_name,
    year,
    month,
    CASE WHEN employees < 5 THEN NULL ELSE sick_days END              AS sick_days,
    CASE WHEN employees < 5 THEN NULL ELSE self_certified_days END    AS self_certified_days,
    CASE WHEN employees < 5 THEN NULL ELSE doctor_certified_days END  AS doctor_certified_days,
    CASE WHEN employees < 5 THEN NULL ELSE short_term_days END        AS short_term_days,
    CASE WHEN employees < 5 THEN NULL ELSE long_term_days END         AS long_term_days,
    CASE WHEN employees < 5 THEN NULL ELSE agreed_work_days END       AS agreed_work_days,
    CASE WHEN employees < 5 THEN NULL ELSE sick_leave_pct END         AS sick_leave_pct,
    employees,
    goal_pct,
    is_demo,
    CASE WHEN employees < 5 THEN ':' ELSE '' END                      AS status
FROM own_sick_leave;
