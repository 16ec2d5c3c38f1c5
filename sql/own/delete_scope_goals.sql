-- delete_scope_goals: deletes the rows of own_unit_goal that an incoming goals file replaces,
-- i.e. rows in one of its slices (unit_code, year); demo rows included.
-- A slice covers the unit's year (unit managers send their own scorecard).
-- returns: one row, the number of rows deleted
-- params: none
-- reads: _own_scope (the file's slices, registered by store.py)
DELETE FROM own_unit_goal t
WHERE EXISTS (SELECT 1 FROM _own_scope s WHERE s.unit_code = t.unit_code AND s.year = t.year);
