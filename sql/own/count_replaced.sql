-- count_replaced: one row: how many stored rows of the kind's table an incoming file replaces, i.e. rows in one
-- of its slices. Demo rows count only for a demo file: a real file removes all demo rows anyway, and the import
-- summary says so once (counted by count_demo.sql).
-- columns: n
-- params: $is_demo (the incoming file is demo data)
-- reads: _own_scope (the file's slices, registered by store.py)
-- identifiers: {table} and {slice_match} (s = slice, t = stored row) from OWN_TABLES in pipelines/own_data/store.py
SELECT count(*) AS n
FROM {table} t
WHERE EXISTS (SELECT 1 FROM _own_scope s WHERE {slice_match})
  AND ($is_demo OR NOT t.is_demo);
