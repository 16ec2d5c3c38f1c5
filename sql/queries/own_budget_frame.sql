-- own_budget_frame: one row per line of every budget frame walk (start frame, each change, end frame), amounts in kr.
-- columns: frame_name, year, line_no, ref_no, description, category, amount, is_demo
-- params: none
SELECT frame_name, year, line_no, ref_no, description, category, amount, is_demo
FROM own_budget_frame
ORDER BY frame_name, year, line_no;
