-- predecessor_series: one row per (indicator_id, current_code, predecessor_code, year) for municipalities that were
-- merged into (or split off from) today's municipality: their own figures up to the change, so pages can draw
-- them beside today's series with the break marked. Only years where the predecessor existed (status <> '.').
-- columns: indicator_id, current_code, predecessor_code, predecessor_name, change_kind, main_line, year, value,
--          status, is_demo   (main_line: the predecessor that gave today's municipality its name)
-- A predecessor renumbered before its merger is one line under its last code: 1662 Klæbu became 5030 Klæbu in
-- 2018 (Trøndelag) and was merged into 5001 Trondheim in 2020, so its figures 2015–2019 are «Klæbu (5030, før
-- sammenslåing)», and the merger is 2020 (two lines, the first ending 2017, put a false «Sammenslåing 2018» on
-- Trondheim's charts).
-- change_kind is what happened to the line's last code itself (its first change: 1504 Ålesund was merged in 2020,
-- 1507 Ålesund split in 2024), not the strongest change on the way to today's code.
CREATE OR REPLACE VIEW predecessor_series AS
WITH RECURSIVE own_change AS (
    SELECT old_code, arg_min(kind, change_date) AS kind FROM region_change GROUP BY old_code
),
predecessor AS (
    SELECT code, current_code, via_kind, main_line FROM region_lineage WHERE via_kind IN ('merge', 'split')
),
renumbered (code, current_code, line_code, steps) AS (  -- each predecessor code, then where renumbering took it
    SELECT code, current_code, code, 0 FROM predecessor
    UNION ALL
    SELECT r.code, r.current_code, c.new_code, r.steps + 1
    FROM renumbered r
    JOIN region_change c ON c.old_code = r.line_code AND c.kind = 'renumber'
    JOIN predecessor p ON p.code = c.new_code AND p.current_code = r.current_code
    WHERE r.steps < 10
),
line AS (
    SELECT code, current_code, arg_max(line_code, steps) AS line_code FROM renumbered GROUP BY code, current_code
)
SELECT iv.indicator_id, l.current_code, l.line_code AS predecessor_code, coalesce(r.name, iv.region_name)
       AS predecessor_name, coalesce(c.kind, p.via_kind) AS change_kind, p.main_line, iv.year, iv.value, iv.status,
       iv.is_demo
FROM indicator_values iv
JOIN line l ON l.code = iv.region_code
JOIN predecessor p ON p.code = l.line_code AND p.current_code = l.current_code
LEFT JOIN region r ON r.code = l.line_code
LEFT JOIN own_change c ON c.old_code = l.line_code
WHERE iv.region_kind = 'municipality' AND coalesce(iv.status, '') <> '.'
-- a year SSB publishes under both codes of a line counts once, under the line's own code
QUALIFY row_number() OVER (PARTITION BY iv.indicator_id, l.current_code, l.line_code, iv.year
                           ORDER BY iv.region_code = l.line_code DESC) = 1;
