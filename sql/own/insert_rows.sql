-- insert_rows: appends the parsed rows of a file to the kind's table (one row per row of _own_rows).
-- columns written: batch_id, the kind's columns, is_demo
-- params: $batch_id, $is_demo
-- reads: _own_rows (the parsed rows, registered by store.py)
-- identifiers: {table} and {columns} from OWN_TABLES in pipelines/own_data/store.py (a fixed list, never input)
INSERT INTO {table} (batch_id, {columns}, is_demo)
SELECT $batch_id, {columns}, $is_demo
FROM _own_rows;
