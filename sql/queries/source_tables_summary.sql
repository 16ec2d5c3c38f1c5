-- source_tables_summary: one row per SSB source table in the database.
-- columns: table_id, title, first_year, last_year, regions, observations, updated, fetched_at, is_demo,
--          updated_date (SSB's update day, for the edition)
SELECT s.table_id, s.title,
       min(o.year) AS first_year, max(o.year) AS last_year,
       count(DISTINCT o.region_code) AS regions, count(*) AS observations,
       strftime(s.updated, '%d.%m.%Y') AS updated, strftime(s.fetched_at, '%d.%m.%Y %H:%M') AS fetched_at,
       s.is_demo, CAST(s.updated AS DATE) AS updated_date
FROM source_table s
JOIN observation o USING (table_id)
GROUP BY ALL
ORDER BY s.table_id;
