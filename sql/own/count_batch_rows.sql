-- count_batch_rows_budget: one row: how many rows of one budget import batch are still in own_budget_line.
-- A batch whose rows are all still there makes a re-import of the same file a no-op.
-- columns: n
-- params: $batch_id
SELECT count(*) AS n FROM own_budget_line WHERE batch_id = $batch_id;
