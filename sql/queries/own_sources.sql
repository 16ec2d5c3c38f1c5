-- own_sources: one row per import batch that still has rows in its table (the files behind what is shown).
-- columns: kind, batch_id, file_name, imported_at, is_demo, amount_unit
-- params: none
SELECT b.kind, b.batch_id, b.file_name, b.imported_at, b.is_demo, b.amount_unit
FROM own_import_batch b
WHERE (b.kind = 'budget' AND b.batch_id IN (SELECT DISTINCT batch_id FROM own_budget_line))
   OR (b.kind = 'sick-leave' AND b.batch_id IN (SELECT DISTINCT batch_id FROM own_sick_leave))
   OR (b.kind = 'goals' AND b.batch_id IN (SELECT DISTINCT batch_id FROM own_unit_goal))
   OR (b.kind = 'budget-frame' AND b.batch_id IN (SELECT DISTINCT batch_id FROM own_budget_frame))
ORDER BY b.kind, b.batch_id;
