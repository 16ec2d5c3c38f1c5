-- scope_existing_budget_frame: one row per slice (frame_name) of an incoming budget-frame file, with how many
-- stored rows of own_budget_frame that slice would replace.
-- Demo rows count only for a demo file, as in count_replaced_budget_frame.sql: a real file removes all demo rows anyway,
-- and the import summary says so once (counted by count_demo_budget_frame.sql).
-- A slice covers the whole frame (all its years).
-- columns: frame_name, new_rows, existing_rows
-- params: $is_demo (the incoming file is demo data)
-- reads: _own_scope (the file's slices, registered by store.py)
SELECT s.frame_name, s.new_rows,
       (SELECT count(*) FROM own_budget_frame t WHERE s.frame_name = t.frame_name
          AND ($is_demo OR NOT t.is_demo)) AS existing_rows
FROM _own_scope s;
