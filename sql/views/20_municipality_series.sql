-- municipality_series: one row per (indicator_id, current_code, year): a municipality's continuous series under
-- today's code, following pure renumberings (Larvik 0712 -> 3805 -> 3909 is one series).
-- columns: indicator_id, current_code, year, value, status, published_code, is_demo, is_own_calculation, source
-- Where several published codes renumber into one current code, each year takes the cell with a value,
-- else one with a symbol other than '.', else '.' (SSB's "did not exist that year").
-- Codes reached through a merger or split are not here: see predecessor_series.
CREATE OR REPLACE VIEW municipality_series AS
WITH chained AS (
    SELECT iv.indicator_id, l.current_code, iv.year, iv.value, iv.status, iv.region_code AS published_code,
           iv.is_demo, iv.is_own_calculation, iv.source
    FROM indicator_values iv
    JOIN region_lineage l ON l.code = iv.region_code AND l.via_kind IN ('self', 'renumber')
    WHERE iv.region_kind = 'municipality'
)
SELECT * FROM chained
QUALIFY row_number() OVER (
    PARTITION BY indicator_id, current_code, year
    ORDER BY (value IS NULL), (coalesce(status, '') = '.'), (published_code = current_code) DESC
) = 1;
