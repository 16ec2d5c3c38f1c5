-- count_demo: one row: how many demo rows the kind's table holds (a real import of that kind removes them all).
-- columns: n
-- params: none
-- identifiers: {table} from OWN_TABLES in pipelines/own_data/store.py (a fixed list, never input)
SELECT count(*) AS n FROM {table} WHERE is_demo;
