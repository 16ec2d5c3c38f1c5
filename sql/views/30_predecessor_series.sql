-- predecessor_series: one row per (indicator_id, current_code, predecessor_code, year) for municipalities that were
-- merged into (or split off from) today's municipality: their own figures up to the change, so pages can draw
-- them beside today's series with the break marked. Only years where the predecessor existed (status <> '.').
-- columns: indicator_id, current_code, predecessor_code, predecessor_name, change_kind, main_line, year, value,
--          status, is_demo   (main_line: the predecessor that gave today's municipality its name)
-- change_kind is what happened to the predecessor itself (its first change: 1504 Ålesund was merged in 2020,
-- 1507 Ålesund split in 2024), not the strongest change on the way to today's code.
CREATE OR REPLACE VIEW predecessor_series AS
WITH own_change AS (
    SELECT old_code, arg_min(kind, change_date) AS kind FROM region_change GROUP BY old_code
)
SELECT iv.indicator_id, l.current_code, iv.region_code AS predecessor_code, iv.region_name AS predecessor_name,
       coalesce(c.kind, l.via_kind) AS change_kind, l.main_line, iv.year, iv.value, iv.status, iv.is_demo
FROM indicator_values iv
JOIN region_lineage l ON l.code = iv.region_code AND l.via_kind IN ('merge', 'split')
LEFT JOIN own_change c ON c.old_code = iv.region_code
WHERE iv.region_kind = 'municipality' AND coalesce(iv.status, '') <> '.';
