-- sum_of_members: inserts into derived_value one row per (indicator_id, region_code, year) for KOSTRA groups
-- and the country where SSB publishes no figure of its own, as the sum over member municipalities.
-- Only for counts and amounts (the build calls it for aggregatable indicators only); never for ratios.
-- Members of a year: a KOSTRA group's municipalities from KLASS (kostra_group_membership); the country (EAK) and
-- «landet uten Oslo» (EAKUO, without 0301) every municipality of that year: those in any KOSTRA group that year,
-- and those SSB publishes a figure for. Only municipality codes count (never a county, 99 «Uoppgitt fylke» or
-- 9999 «Uoppgitt kommune»: they are not municipalities in KLASS).
-- A sum is NULL with status '..' and a reason naming the members without a figure when any member has no value
-- (a symbol such as '.' or ':', or no row at all): a partial sum would pass for the whole.
-- params: $indicator_id
INSERT INTO derived_value (indicator_id, region_code, year, value, status, is_demo, method, reason)
WITH ind AS (
    SELECT * FROM indicator WHERE id = $indicator_id
),
municipal AS (
    SELECT o.region_code, o.year, o.value, o.status, o.is_demo
    FROM observation o
    JOIN ind ON o.table_id = ind.source_table AND o.contents_code = ind.contents_code
            AND o.filter_key = ind.filter_key
    JOIN region r ON r.code = o.region_code AND r.kind = 'municipality'
),
years AS (
    SELECT DISTINCT year FROM municipal
),
of_the_year AS (  -- every municipality of the year: KLASS's group members and the codes SSB publishes a value for
    SELECT DISTINCT m.year, m.municipality_code
    FROM kostra_group_membership m JOIN years y USING (year)
    UNION
    SELECT year, region_code FROM municipal WHERE coalesce(status, '') <> '.'
),
members AS (
    SELECT m.year, m.group_code AS region_code, m.municipality_code
    FROM kostra_group_membership m JOIN years y USING (year)
    UNION ALL
    SELECT year, 'EAK', municipality_code FROM of_the_year
    UNION ALL
    SELECT year, 'EAKUO', municipality_code FROM of_the_year WHERE municipality_code <> '0301'
),
sums AS (
    SELECT mb.region_code, mb.year,
           CASE WHEN count(*) FILTER (WHERE mu.value IS NULL) = 0 THEN sum(mu.value) END AS value,
           CASE WHEN count(*) FILTER (WHERE mu.value IS NULL) > 0 THEN '..' END AS status,
           coalesce(bool_or(mu.is_demo), false) AS is_demo,
           count(*) FILTER (WHERE mu.value IS NULL) AS n_missing,
           count(*) AS n_members,
           string_agg(mb.municipality_code || CASE WHEN mu.status IS NOT NULL THEN ' «' || mu.status || '»'
                                                   ELSE ' (ingen tall)' END, ', '
                      ORDER BY mb.municipality_code) FILTER (WHERE mu.value IS NULL) AS missing_list
    FROM members mb
    LEFT JOIN municipal mu ON mu.region_code = mb.municipality_code AND mu.year = mb.year
    GROUP BY mb.region_code, mb.year
),
already_published AS (
    SELECT DISTINCT o.region_code, o.year
    FROM observation o
    JOIN ind ON o.table_id = ind.source_table AND o.contents_code = ind.contents_code
            AND o.filter_key = ind.filter_key
)
SELECT $indicator_id, s.region_code, s.year, s.value, s.status, s.is_demo, 'sum_of_members',
       CASE WHEN s.n_missing > 0
            THEN 'Summen mangler: ' || s.n_missing || ' av ' || s.n_members || ' kommuner har ikke tall ('
                 || s.missing_list || ')' END
FROM sums s
WHERE NOT EXISTS (SELECT 1 FROM already_published p WHERE p.region_code = s.region_code AND p.year = s.year);
