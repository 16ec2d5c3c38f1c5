-- delete_scope: deletes the rows of the kind's table that an incoming file replaces, i.e. rows in one of its
-- slices; demo rows included. What a slice is per kind: OWN_TABLES in pipelines/own_data/store.py (budget: a
-- whole-year slice replaces the year, a month that month and the year's year-level rows; sick leave: the month;
-- goals: the unit's year; budget frame: the whole frame).
-- returns: one row, the number of rows deleted
-- params: none
-- reads: _own_scope (the file's slices, registered by store.py)
-- identifiers: {table} and {slice_match} (s = slice, t = stored row) from OWN_TABLES (a fixed list, never input)
DELETE FROM {table} t
WHERE EXISTS (SELECT 1 FROM _own_scope s WHERE {slice_match});
