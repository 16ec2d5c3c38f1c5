-- delete_scope_sick_leave: deletes the rows of own_sick_leave that an incoming sick-leave file replaces,
-- i.e. rows in one of its slices (year, month); demo rows included.
-- A slice covers the month (all units).
-- returns: one row, the number of rows deleted
-- params: none
-- reads: _own_scope (the file's slices, registered by store.py)
DELETE FROM own_sick_leave t
WHERE EXISTS (SELECT 1 FROM _own_scope s WHERE s.year = t.year AND s.month = t.month);
