-- count_batch_rows_budget_frame: one row: how many rows of one budget-frame import batch are still in
-- own_budget_frame.
-- A batch whose rows are all still there makes a re-import of the same file a no-op.
-- columns: n
-- params: $batch_id
SELECT count(*) AS n FROM own_budget_frame WHERE batch_id = $batch_id;
