-- indicators: one row per catalogue indicator, in catalogue order.
-- columns: id, label, short_label, unit, decimals, kind, indicator_group, definition, higher_is_better,
--          own_calculation, service, age_group, source_table, contents_code, contents_label, formula, verified
SELECT id, label, short_label, unit, decimals, kind, indicator_group, definition, higher_is_better,
       own_calculation, service, age_group, source_table, contents_code, contents_label, formula, verified
FROM indicator
ORDER BY sort_order;
