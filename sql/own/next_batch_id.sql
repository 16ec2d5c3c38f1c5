-- next_batch_id: one row: the batch_id the next import gets (batch ids increase by one per import).
-- columns: batch_id
-- params: none
SELECT coalesce(max(batch_id), 0) + 1 AS batch_id FROM own_import_batch;
