-- insert_rows_sick_leave: appends the parsed rows of a sick-leave file to own_sick_leave
-- (one row per row of _own_rows).
-- columns written: batch_id, unit_code, unit_name, year, month, sick_days, self_certified_days,
--                  doctor_certified_days, short_term_days, long_term_days, agreed_work_days, sick_leave_pct,
--                  employees, goal_pct, is_demo
-- params: $batch_id, $is_demo
-- reads: _own_rows (the parsed rows, registered by store.py)
INSERT INTO own_sick_leave (
    batch_id, unit_code, unit_name, year, month, sick_days, self_certified_days, doctor_certified_days,
    short_term_days, long_term_days, agreed_work_days, sick_leave_pct, employees, goal_pct, is_demo
)
SELECT $batch_id, unit_code, unit_name, year, month, sick_days, self_certified_days, doctor_certified_days,
       short_term_days, long_term_days, agreed_work_days, sick_leave_pct, employees, goal_pct, $is_demo
FROM _own_rows;
