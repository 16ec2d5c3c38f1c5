-- scope_existing_budget_frame: one row per slice (frame_name) of an incoming budget-frame file, with how many
-- stored rows of own_budget_frame that slice would replace (demo rows included).
-- A slice covers the whole frame (all its years).
-- columns: frame_name, new_rows, existing_rows
-- params: none
-- reads: _own_scope (the file's slices, registered by store.py)
SELECT s.frame_name, s.new_rows,
       (SELECT count(*) FROM own_budget_frame t WHERE s.frame_name = t.frame_name) AS existing_rows
FROM _own_scope s;
