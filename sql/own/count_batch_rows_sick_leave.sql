-- count_batch_rows_sick_leave: one row: how many rows of one sick-leave import batch are still in own_sick_leave.
-- A batch whose rows are all still there makes a re-import of the same file a no-op.
-- columns: n
-- params: $batch_id
SELECT count(*) AS n FROM own_sick_leave WHERE batch_id = $batch_id;
