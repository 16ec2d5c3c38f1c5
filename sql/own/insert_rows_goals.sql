-- insert_rows_goals: appends the parsed rows of a goals file to own_unit_goal
-- (one row per row of _own_rows).
-- columns written: batch_id, unit_code, unit_name, year, indicator, goal, result, higher_is_better, unit,
--                  comment, is_demo
-- params: $batch_id, $is_demo
-- reads: _own_rows (the parsed rows, registered by store.py)
INSERT INTO own_unit_goal (
    batch_id, unit_code, unit_name, year, indicator, goal, result, higher_is_better, unit, comment, is_demo
)
SELECT $batch_id, unit_code, unit_name, year, indicator, goal, result, higher_is_better, unit, comment, $is_demo
FROM _own_rows;
