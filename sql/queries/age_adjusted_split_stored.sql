-- age_adjusted_split_stored: the age-adjusted split for one municipality against the country or its KOSTRA group,
-- read from the split stored at build (sql/derive/materialise_views.sql): the same rows, in the same order, as
-- age_adjusted_split.sql gives for these references, without planning the method's query on every page view.
-- grain: one row per (year, service, age_group), per (year, service) and per year, from $from_year
-- columns: those of the age_adjusted_split macro (sql/views/72_age_adjusted_split.sql)
-- params: $municipality (today's code), $reference ('EAKUO' | 'EAK' | 'group'), $from_year
SELECT * EXCLUDE (municipality, reference)
FROM age_adjusted_split_store
WHERE municipality = $municipality AND reference = $reference AND year >= $from_year
ORDER BY year, service_order, level <> 'age_group', age_order;
