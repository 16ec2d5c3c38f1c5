-- rebuild_unit_register: fills the (just emptied) own_unit with one row per unit_code seen in own_budget_line,
-- own_sick_leave or own_unit_goal: a derived table, so it can never disagree with them.
-- columns written: unit_code, unit_name (most recent non-null), sector (most recent non-null, budget only),
--                  is_demo (true when the unit only occurs in demo rows)
-- params: none
INSERT INTO own_unit
SELECT unit_code,
       arg_max(unit_name, batch_id) FILTER (WHERE unit_name IS NOT NULL),
       arg_max(sector, batch_id) FILTER (WHERE sector IS NOT NULL),
       bool_and(is_demo)
FROM (
    SELECT unit_code, unit_name, sector, batch_id, is_demo FROM own_budget_line
    UNION ALL SELECT unit_code, unit_name, NULL, batch_id, is_demo FROM own_sick_leave
    UNION ALL SELECT unit_code, unit_name, NULL, batch_id, is_demo FROM own_unit_goal
)
GROUP BY unit_code;
