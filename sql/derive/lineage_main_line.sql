-- lineage_main_line: marks region_lineage.main_line, one row per (code, current_code) updated.
-- A code is on today's municipality's main line when it is the municipality itself, reached by pure renumbering,
-- or the merged/split predecessor with the same name (compared on the part before " - ", since KLASS adds
-- Sami and Kven names over time: "Trondheim - Tråante").
UPDATE region_lineage AS l
SET main_line = l.via_kind IN ('self', 'renumber')
    OR split_part(o.name, ' - ', 1) = split_part(c.name, ' - ', 1)
FROM region o, region c
WHERE o.code = l.code AND c.code = l.current_code;
