-- own_recent_imports: the latest imports, newest first: one row per imported file with who imported it.
-- columns: batch_id, imported_at (UTC), kind, file_name, rows, replaced_rows, is_demo, imported_by_name,
--          imported_by_email, imported_by_sub
-- params: $limit
SELECT batch_id, imported_at, kind, file_name, rows, replaced_rows, is_demo,
       imported_by_name, imported_by_email, imported_by_sub
FROM own_import_batch
ORDER BY batch_id DESC
LIMIT $limit;
