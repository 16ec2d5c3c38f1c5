-- group_ranking: one row per municipality in a KOSTRA group in one year, with its figure and rank
-- (rank 1 = best where the catalogue says which direction is better, else highest first).
-- columns: region_code, region_name, current_code, value, status, is_demo, rank, ranked_count, group_name
-- params: $indicator_id, $group_code, $year
WITH members AS (
    SELECT m.municipality_code, m.group_name FROM kostra_group_membership m
    WHERE m.group_code = $group_code AND m.year = $year
),
figures AS (
    SELECT mb.municipality_code AS region_code, r.name AS region_name, mb.group_name,
           iv.value, iv.status, coalesce(iv.is_demo, false) AS is_demo,
           (SELECT min(l.current_code) FROM region_lineage l WHERE l.code = mb.municipality_code) AS current_code
    FROM members mb
    JOIN region r ON r.code = mb.municipality_code
    LEFT JOIN indicator_values iv
      ON iv.region_code = mb.municipality_code AND iv.year = $year AND iv.indicator_id = $indicator_id
),
direction AS (
    SELECT coalesce(higher_is_better, true) AS higher_first FROM indicator WHERE id = $indicator_id
)
SELECT f.region_code, f.region_name, f.current_code, f.value, f.status, f.is_demo,
       CASE WHEN f.value IS NOT NULL THEN
           rank() OVER (ORDER BY CASE WHEN d.higher_first THEN -f.value ELSE f.value END NULLS LAST)
       END AS rank,
       count(f.value) OVER () AS ranked_count,
       f.group_name
FROM figures f, direction d
ORDER BY f.value DESC NULLS LAST, f.region_name;
