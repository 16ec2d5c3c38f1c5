-- indicator_values: one row per (indicator_id, region_code, year) for every catalogue indicator, for every
-- municipality code SSB publishes (current and historical), every KOSTRA group (EKGnn) and the country (EAK, EAKUO).
-- columns: indicator_id, region_code, region_name, region_kind, year, value, status, source, is_demo, is_own_calculation
-- value is NULL where SSB has a status symbol ('.', '..', ':'); status keeps the symbol. SSB's own figures
-- come from observation; our calculations (formulas, sums of members) from derived_value, flagged is_own_calculation.
CREATE OR REPLACE VIEW indicator_values AS
WITH from_ssb AS (
    SELECT i.id AS indicator_id, o.region_code, o.year, o.value, o.status, o.is_demo,
           'SSB, tabell ' || i.source_table AS source,
           false AS is_own_calculation
    FROM indicator i
    JOIN observation o
      ON o.table_id = i.source_table AND o.contents_code = i.contents_code AND o.filter_key = i.filter_key
),
own_calculations AS (
    SELECT d.indicator_id, d.region_code, d.year, d.value, d.status, d.is_demo,
           'Egen beregning på tall fra SSB' AS source,
           true AS is_own_calculation
    FROM derived_value d
),
combined AS (
    SELECT * FROM from_ssb
    UNION ALL
    SELECT * FROM own_calculations
)
SELECT c.indicator_id, c.region_code, r.name AS region_name, r.kind AS region_kind, c.year,
       c.value, c.status, c.source, c.is_demo, c.is_own_calculation
FROM combined c
JOIN region r ON r.code = c.region_code
WHERE r.kind IN ('municipality', 'kostra_group', 'country');
