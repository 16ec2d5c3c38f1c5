-- count_replaced_sick_leave: one row: how many stored rows of own_sick_leave an incoming sick-leave file replaces,
-- i.e. rows in one of its slices (year, month).
-- A slice covers the month (all units).
-- Demo rows in the slices count only for a demo file: a real file removes all demo rows anyway
-- (counted by count_demo_sick_leave.sql).
-- columns: n
-- params: $is_demo (the incoming file is demo data)
-- reads: _own_scope (the file's slices, registered by store.py)
SELECT count(*) AS n
FROM own_sick_leave t
WHERE EXISTS (SELECT 1 FROM _own_scope s WHERE s.year = t.year AND s.month = t.month)
  AND ($is_demo OR NOT t.is_demo);
