-- insert_batch: writes one row to own_import_batch (one row per imported file; see sql/schema_own.sql).
-- columns written: batch_id, kind, file_name, sha256, options, imported_at, rows, replaced_rows, is_demo, amount_unit,
--                  imported_by_sub, imported_by_email, imported_by_name
-- params: $batch_id, $kind, $file_name, $sha256, $options, $imported_at (UTC, no time zone), $rows, $replaced_rows,
--         $is_demo, $amount_unit, $imported_by_sub, $imported_by_email, $imported_by_name
INSERT INTO own_import_batch (
    batch_id, kind, file_name, sha256, options, imported_at, rows, replaced_rows, is_demo, amount_unit,
    imported_by_sub, imported_by_email, imported_by_name
)
VALUES ($batch_id, $kind, $file_name, $sha256, $options, $imported_at, $rows, $replaced_rows, $is_demo, $amount_unit,
        $imported_by_sub, $imported_by_email, $imported_by_name);
