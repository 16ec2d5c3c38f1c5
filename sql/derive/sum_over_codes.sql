-- sum_over_codes: inserts into observation one row per (region_code, year) for a catalogue entry whose figure is the
-- sum of codes SSB publishes one by one (`sum_over`, e.g. 07459's one-year ages 067…079 into 67–79 år), under the
-- entry's own filter_key (e.g. 'Alder=067..079'). Grain and columns as observation.
-- The sum is NULL when any summed code lacks a value or a row: status '.' when every code is '.' (the region did
-- not exist that year), otherwise the first other symbol (':' suppressed, '..' not available), never a partial sum.
-- params: $table_id, $contents_code, $filter_key (the entry's), $member_keys (list of the summed rows' filter keys)
INSERT INTO observation
SELECT $table_id, $contents_code, $filter_key, region_code, year,
       CASE WHEN count(value) = len($member_keys) THEN sum(value) END AS value,
       CASE WHEN count(value) = len($member_keys) THEN NULL
            WHEN count(*) FILTER (WHERE status = '.') = count(*) THEN '.'
            ELSE coalesce(min(status) FILTER (WHERE status IS NOT NULL AND status <> '.'), '..') END AS status,
       bool_or(is_demo) AS is_demo
FROM observation
WHERE table_id = $table_id AND contents_code = $contents_code AND list_contains($member_keys, filter_key)
GROUP BY region_code, year;
