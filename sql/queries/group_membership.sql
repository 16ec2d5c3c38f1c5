-- group_membership: one row per year in [$from_year, $to_year] in which the municipality (today's code, following
-- renumberings, e.g. Larvik 0712 -> 3805 -> 3909, and the predecessor that gave it its name, e.g. 0709 Larvik
-- before 2018) belonged to a KOSTRA group, with that year's group.
-- columns: year, group_code, group_name
-- params: $municipality (today's code), $from_year, $to_year
SELECT m.year, min(m.group_code) AS group_code, min(m.group_name) AS group_name
FROM region_lineage l
JOIN kostra_group_membership m ON m.municipality_code = l.code
WHERE l.current_code = $municipality AND l.main_line
  AND m.year BETWEEN $from_year AND $to_year
GROUP BY m.year
ORDER BY m.year;
