-- scope_existing_sick_leave: one row per slice (year, month) of an incoming sick-leave file, with how many
-- stored rows of own_sick_leave that slice would replace.
-- Demo rows count only for a demo file, as in count_replaced_sick_leave.sql: a real file removes all demo rows anyway,
-- and the import summary says so once (counted by count_demo_sick_leave.sql).
-- A slice covers the month (all units).
-- columns: year, month, new_rows, existing_rows
-- params: $is_demo (the incoming file is demo data)
-- reads: _own_scope (the file's slices, registered by store.py)
SELECT s.year, s.month, s.new_rows,
       (SELECT count(*) FROM own_sick_leave t WHERE s.year = t.year AND s.month = t.month
          AND ($is_demo OR NOT t.is_demo)) AS existing_rows
FROM _own_scope s;
