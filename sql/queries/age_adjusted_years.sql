-- age_adjusted_years: one row per year the age-adjusted comparison has inputs for, from $from_year.
-- columns: year
-- params: $from_year
SELECT DISTINCT year FROM age_adjusted_inputs
WHERE region_kind = 'municipality' AND year >= $from_year AND population IS NOT NULL
ORDER BY year;
