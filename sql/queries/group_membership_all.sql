-- group_membership_all: group_membership.sql for every municipality at once: one row per municipality (today's
-- code) and year in which it (following renumberings, and the predecessor that gave it its name) belonged to a
-- KOSTRA group, with that year's group. Sliced per municipality in dashboard.kostra.queries.
-- columns: current_code, year, group_code, group_name
-- params: none
SELECT l.current_code, m.year, min(m.group_code) AS group_code, min(m.group_name) AS group_name
FROM region_lineage l
JOIN kostra_group_membership m ON m.municipality_code = l.code
WHERE l.main_line
GROUP BY l.current_code, m.year;
