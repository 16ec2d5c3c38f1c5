-- count_demo_sick_leave: one row: how many demo rows own_sick_leave holds
-- (a real sick-leave import removes them all).
-- columns: n
-- params: none
SELECT count(*) AS n FROM own_sick_leave WHERE is_demo;
