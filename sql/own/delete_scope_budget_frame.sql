-- delete_scope_budget_frame: deletes the rows of own_budget_frame that an incoming
-- budget-frame file replaces, i.e. rows in one of its slices (frame_name); demo rows included.
-- A slice covers the whole frame (all its years).
-- returns: one row, the number of rows deleted
-- params: none
-- reads: _own_scope (the file's slices, registered by store.py)
DELETE FROM own_budget_frame t
WHERE EXISTS (SELECT 1 FROM _own_scope s WHERE s.frame_name = t.frame_name);
