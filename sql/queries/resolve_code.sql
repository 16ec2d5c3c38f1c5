-- resolve_code: one row per today's municipality a (possibly historical) municipality code leads to.
-- columns: code, code_name, current_code, current_name, via_kind ('self' | 'renumber' | 'merge' | 'split')
-- params: $code
SELECT l.code, old.name AS code_name, l.current_code, cur.name AS current_name, l.via_kind
FROM region_lineage l
JOIN region old ON old.code = l.code
JOIN region cur ON cur.code = l.current_code
WHERE l.code = $code
ORDER BY l.current_code;
