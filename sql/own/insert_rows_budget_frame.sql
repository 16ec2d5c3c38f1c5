-- insert_rows_budget_frame: appends the parsed rows of a budget-frame file to own_budget_frame
-- (one row per row of _own_rows).
-- columns written: batch_id, frame_name, year, line_no, ref_no, description, category, amount, is_demo
-- params: $batch_id, $is_demo
-- reads: _own_rows (the parsed rows, registered by store.py)
INSERT INTO own_budget_frame (
    batch_id, frame_name, year, line_no, ref_no, description, category, amount, is_demo
)
SELECT $batch_id, frame_name, year, line_no, ref_no, description, category, amount, $is_demo
FROM _own_rows;
