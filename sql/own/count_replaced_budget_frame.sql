-- count_replaced_budget_frame: one row: how many stored rows of own_budget_frame an incoming
-- budget-frame file replaces, i.e. rows in one of its slices (frame_name).
-- A slice covers the whole frame (all its years).
-- Demo rows in the slices count only for a demo file: a real file removes all demo rows anyway
-- (counted by count_demo_budget_frame.sql).
-- columns: n
-- params: $is_demo (the incoming file is demo data)
-- reads: _own_scope (the file's slices, registered by store.py)
SELECT count(*) AS n
FROM own_budget_frame t
WHERE EXISTS (SELECT 1 FROM _own_scope s WHERE s.frame_name = t.frame_name)
  AND ($is_demo OR NOT t.is_demo);
