-- count_batch_rows: one row: how many rows of one import batch the kind's table holds.
-- columns: n
-- params: $batch_id
-- identifiers: {table} is the kind's table from OWN_TABLES in pipelines/own_data/store.py (a fixed list, never input)
SELECT count(*) AS n FROM {table} WHERE batch_id = $batch_id;
