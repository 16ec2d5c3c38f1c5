-- scope_existing: one row per slice of an incoming file (the slice's key columns, new_rows and, for goals,
-- unit_name), with how many stored rows of the kind's table that slice would replace. Demo rows count only for
-- a demo file, as in count_replaced.sql.
-- columns: <the slice's columns>, new_rows, existing_rows
-- params: $is_demo (the incoming file is demo data)
-- reads: _own_scope (the file's slices, registered by store.py)
-- identifiers: {table} and {slice_match} (s = slice, t = stored row) from OWN_TABLES in pipelines/own_data/store.py
SELECT s.*,
       (SELECT count(*) FROM {table} t WHERE {slice_match} AND ($is_demo OR NOT t.is_demo)) AS existing_rows
FROM _own_scope s;
