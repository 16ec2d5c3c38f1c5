-- count_batch_rows_goals: one row: how many rows of one goals import batch are still in own_unit_goal.
-- A batch whose rows are all still there makes a re-import of the same file a no-op.
-- columns: n
-- params: $batch_id
SELECT count(*) AS n FROM own_unit_goal WHERE batch_id = $batch_id;
