-- delete_demo: deletes every demo row of the kind's table (done when a real file of that kind is imported).
-- returns: one row, the number of rows deleted
-- params: none
-- identifiers: {table} from OWN_TABLES in pipelines/own_data/store.py (a fixed list, never input)
DELETE FROM {table} WHERE is_demo;
