-- own_tables_exist: one row: whether the own-data schema is in this database (an older or foreign file may lack it).
-- columns: n (number of tables named own_import_batch: 0 or 1)
-- params: none
SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'own_import_batch';
