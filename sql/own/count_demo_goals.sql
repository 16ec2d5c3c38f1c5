-- count_demo_goals: one row: how many demo rows own_unit_goal holds (a real goals import removes them all).
-- columns: n
-- params: none
SELECT count(*) AS n FROM own_unit_goal WHERE is_demo;
