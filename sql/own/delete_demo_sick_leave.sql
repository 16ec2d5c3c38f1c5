-- delete_demo_sick_leave: deletes every demo row of own_sick_leave (run when a real sick-leave file is imported).
-- returns: one row, the number of rows deleted
-- params: none
DELETE FROM own_sick_leave WHERE is_demo;
