-- count_replaced_goals: one row: how many stored rows of own_unit_goal an incoming goals file replaces,
-- i.e. rows in one of its slices (unit_code, year).
-- A slice covers the unit's year (unit managers send their own scorecard).
-- Demo rows in the slices count only for a demo file: a real file removes all demo rows anyway
-- (counted by count_demo_goals.sql).
-- columns: n
-- params: $is_demo (the incoming file is demo data)
-- reads: _own_scope (the file's slices, registered by store.py)
SELECT count(*) AS n
FROM own_unit_goal t
WHERE EXISTS (SELECT 1 FROM _own_scope s WHERE s.unit_code = t.unit_code AND s.year = t.year)
  AND ($is_demo OR NOT t.is_demo);
