-- delete_demo_goals: deletes every demo row of own_unit_goal (run when a real goals file is imported).
-- returns: one row, the number of rows deleted
-- params: none
DELETE FROM own_unit_goal WHERE is_demo;
