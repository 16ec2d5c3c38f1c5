-- missing_sums: one row per (indicator_id, region_code, year) where our sum over members (a KOSTRA group, the
-- country, «landet uten Oslo») is missing because a member has no figure, or a figure we calculate from such a sum
-- (a ratio); the reason is the one the build stored in derived_value.reason (sql/derive/sum_of_members.sql,
-- carried through sql/derive/formula.sql), never re-derived here.
-- columns: indicator_id, short_label, region_code, region_name, year, status, reason
-- params: $indicator_ids (list; empty = every indicator), $region_codes (list; empty = every group and country)
SELECT d.indicator_id, i.short_label, d.region_code, r.name AS region_name, d.year, d.status, d.reason
FROM derived_value d
JOIN indicator i ON i.id = d.indicator_id
JOIN region r ON r.code = d.region_code
WHERE d.value IS NULL AND d.reason IS NOT NULL
  AND (len(CAST($indicator_ids AS VARCHAR[])) = 0 OR list_contains(CAST($indicator_ids AS VARCHAR[]), d.indicator_id))
  AND (len(CAST($region_codes AS VARCHAR[])) = 0 OR list_contains(CAST($region_codes AS VARCHAR[]), d.region_code))
ORDER BY i.sort_order, d.indicator_id, d.region_code, d.year;
