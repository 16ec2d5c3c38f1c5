-- municipality_overview: one row per (current_code, indicator_id, year): a municipality's figure (under today's
-- code, across renumberings), last year's figure, its KOSTRA group that year with the group's figure, the
-- country without Oslo (EAKUO), and its rank among the group's municipalities that year
-- (rank 1 = best where the catalogue says which direction is better, else highest first).
-- columns: current_code, indicator_id, year, value, status, previous_value, previous_status, group_code,
--          group_name, group_value, group_status, group_is_own_calculation, country_value, country_status, rank,
--          ranked_count, is_demo, is_own_calculation
-- is_demo: any figure on the row is demo (own, last year's, the group's or the country's): a row mixing real and
-- demo figures is shown as demo.
-- Materialised at the end of the build (sql/derive/materialise_views.sql): the Oversikt page reads one row
-- per key figure from it.
CREATE OR REPLACE VIEW municipality_overview AS
WITH own AS (
    SELECT s.current_code, s.indicator_id, s.year, s.value, s.status, s.is_demo, s.is_own_calculation,
           p.value AS previous_value, p.status AS previous_status, coalesce(p.is_demo, false) AS previous_is_demo
    FROM municipality_series s
    LEFT JOIN municipality_series p
      ON p.current_code = s.current_code AND p.indicator_id = s.indicator_id AND p.year = s.year - 1
),
chain AS (
    SELECT code, current_code FROM region_lineage WHERE via_kind IN ('self', 'renumber')
),
own_group AS (
    SELECT DISTINCT l.current_code, m.year, m.group_code, m.group_name
    FROM region_lineage l
    JOIN kostra_group_membership m ON m.municipality_code = l.code
    WHERE l.main_line
),
peers AS (
    SELECT iv.indicator_id, m.group_code, m.year, iv.region_code, iv.value,
           coalesce(i.higher_is_better, true) AS higher_first
    FROM kostra_group_membership m
    JOIN indicator_values iv ON iv.region_code = m.municipality_code AND iv.year = m.year
    JOIN indicator i ON i.id = iv.indicator_id
    WHERE iv.value IS NOT NULL
),
ranked AS (
    SELECT indicator_id, group_code, year, region_code,
           rank() OVER (PARTITION BY indicator_id, group_code, year
                        ORDER BY CASE WHEN higher_first THEN -value ELSE value END) AS rank,
           count(*) OVER (PARTITION BY indicator_id, group_code, year) AS ranked_count
    FROM peers
),
own_rank AS (
    SELECT c.current_code, r.indicator_id, r.year, min(r.rank) AS rank, max(r.ranked_count) AS ranked_count
    FROM ranked r
    JOIN chain c ON c.code = r.region_code
    GROUP BY ALL
)
SELECT o.current_code, o.indicator_id, o.year, o.value, o.status, o.previous_value, o.previous_status,
       g.group_code, g.group_name, gv.value AS group_value, gv.status AS group_status,
       gv.is_own_calculation AS group_is_own_calculation,
       cv.value AS country_value, cv.status AS country_status,
       r.rank, r.ranked_count,
       o.is_demo OR o.previous_is_demo OR coalesce(gv.is_demo, false) OR coalesce(cv.is_demo, false) AS is_demo,
       o.is_own_calculation
FROM own o
LEFT JOIN own_group g ON g.current_code = o.current_code AND g.year = o.year
LEFT JOIN indicator_values gv ON gv.region_code = g.group_code AND gv.year = o.year AND gv.indicator_id = o.indicator_id
LEFT JOIN indicator_values cv ON cv.region_code = 'EAKUO' AND cv.year = o.year AND cv.indicator_id = o.indicator_id
LEFT JOIN own_rank r ON r.current_code = o.current_code AND r.year = o.year AND r.indicator_id = o.indicator_id;
