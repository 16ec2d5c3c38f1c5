-- batches_of_file: one row per earlier import batch of the very same file content and options, newest first
-- (to tell a re-import of an unchanged file, which is a no-op).
-- columns: batch_id, rows (rows the batch inserted)
-- params: $kind, $sha256 (of the file bytes), $options (options JSON, see store.options_json)
SELECT batch_id, rows
FROM own_import_batch
WHERE kind = $kind AND sha256 = $sha256 AND options = $options
ORDER BY batch_id DESC;
