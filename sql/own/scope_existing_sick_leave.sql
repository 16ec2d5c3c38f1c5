-- scope_existing_sick_leave: one row per slice (year, month) of an incoming sick-leave file, with how many
-- stored rows of own_sick_leave that slice would replace (demo rows included).
-- A slice covers the month (all units).
-- columns: year, month, new_rows, existing_rows
-- params: none
-- reads: _own_scope (the file's slices, registered by store.py)
SELECT s.year, s.month, s.new_rows,
       (SELECT count(*) FROM own_sick_leave t WHERE s.year = t.year AND s.month = t.month) AS existing_rows
FROM _own_scope s;
