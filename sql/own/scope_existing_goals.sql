-- scope_existing_goals: one row per slice (unit_code, year) of an incoming goals file, with how many
-- stored rows of own_unit_goal that slice would replace.
-- Demo rows count only for a demo file, as in count_replaced_goals.sql: a real file removes all demo rows anyway,
-- and the import summary says so once (counted by count_demo_goals.sql).
-- A slice covers the unit's year (unit managers send their own scorecard).
-- columns: unit_code, year, new_rows, unit_name, existing_rows
-- params: $is_demo (the incoming file is demo data)
-- reads: _own_scope (the file's slices, registered by store.py)
SELECT s.unit_code, s.year, s.new_rows, s.unit_name,
       (SELECT count(*) FROM own_unit_goal t WHERE s.unit_code = t.unit_code AND s.year = t.year
          AND ($is_demo OR NOT t.is_demo)) AS existing_rows
FROM _own_scope s;
