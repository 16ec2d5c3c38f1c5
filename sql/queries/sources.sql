-- sources: one row per catalogue indicator with where it comes from and how fresh it is.
-- columns: id, short_label, label, unit, definition, own_calculation, formula, source_table, contents_code,
--          contents_label, verified, table_title, updated, fetched_at, is_demo, notes, last_year (latest year in the table),
--          origin_is_demo, origin_fetched_at, stale, stale_reason (indicator_origin: which fetch its rows come from),
--          indicator_group ('projection' for the population projection: its last year is a future year),
--          catalogue_table, catalogue_code, resolved_code, resolved_label, resolved_on (found by label: what the catalogue says and
--          the code, label and day the fetch used instead; NULL when fetched as catalogued), basis ('evidence' |
--          'guess' | 'chosen'), evidence, checked_on (the catalogue's own record of where the code comes from),
--          not_found (a live database shows no figure for it: «ikke funnet hos SSB», stale_reason says why)
SELECT i.id, i.short_label, i.label, i.unit, i.definition, i.own_calculation, i.formula, i.source_table,
       i.contents_code, i.contents_label, i.verified, s.title AS table_title, s.updated, s.fetched_at,
       coalesce(s.is_demo, (SELECT value = 'true' FROM build_info WHERE key = 'is_demo')) AS is_demo,
       s.notes,
       (SELECT max(o.year) FROM observation o WHERE o.table_id = i.source_table) AS last_year,
       g.is_demo AS origin_is_demo, g.fetched_at AS origin_fetched_at, coalesce(g.stale, false) AS stale,
       g.reason AS stale_reason, i.indicator_group,
       g.catalogue_table, g.catalogue_code, g.resolved_code, g.resolved_label, g.resolved_on, i.basis, i.evidence, i.checked_on,
       coalesce(g.not_found, false) AS not_found
FROM indicator i
LEFT JOIN source_table s ON s.table_id = i.source_table
LEFT JOIN indicator_origin g ON g.indicator_id = i.id
ORDER BY i.sort_order;
