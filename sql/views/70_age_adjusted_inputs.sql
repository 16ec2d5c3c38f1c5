-- age_adjusted_inputs: one row per (region_code, year, service, age_group): what the age-adjusted comparison (page
-- /aldersjustert) multiplies, for today's municipalities (current codes, across renumberings), KOSTRA groups and the
-- country (EAK, EAKUO), every year the sources have.
-- columns: region_code, region_kind ('municipality' | 'kostra_group' | 'country'), year,
--          service ('home_care' | 'long_term'), age_group, age_order,
--          population, population_status        inhabitants in the age group (12292, population_age_*);
--          region_population, region_population_status   inhabitants in all four age groups together;
--          users, users_status, users_own_calculation      recipients of home services (12292) or long-term
--                                                           residents in institution (11645) in the age group;
--          unit_cost, unit_cost_status          korrigerte brutto driftsutgifter per recipient of home services
--                                               (home_care_cost_per_recipient) or per municipal institution place
--                                               (institution_cost_per_place), SSB's own figure for groups and country;
--          is_demo
-- Age groups: home services 0-66, 67-79, 80+ (12292 publishes total, 0-66 and 80+: 67-79 is the rest, our
-- calculation); long-term stays 0-66, 67-79, 80-89, 90+ (11645; 0-66 is our sum of 00-49 and 50-66, groups and
-- country are our member sums). A value is NULL with its status ('.', '..', ':') where an input is missing: never 0.
CREATE OR REPLACE VIEW age_adjusted_inputs AS
WITH wanted(indicator_id) AS (
    VALUES ('population_age_0_66'), ('population_age_67_79'), ('population_age_80_89'), ('population_age_90_plus'),
           ('home_care_recipients'), ('home_care_recipients_0_66'), ('home_care_recipients_80_plus'),
           ('long_term_residents_age_0_66'), ('long_term_residents_age_67_79'), ('long_term_residents_age_80_89'),
           ('long_term_residents_age_90_plus'),
           ('home_care_cost_per_recipient'), ('institution_cost_per_place')
),
series AS (  -- step 1: every input under one region code per region and year
    SELECT s.indicator_id, s.current_code AS region_code, 'municipality' AS region_kind, s.year, s.value, s.status,
           s.is_demo, s.is_own_calculation
    FROM municipality_series s JOIN wanted USING (indicator_id)
    UNION ALL
    SELECT v.indicator_id, v.region_code, v.region_kind, v.year, v.value, v.status, v.is_demo, v.is_own_calculation
    FROM indicator_values v JOIN wanted USING (indicator_id)
    WHERE v.region_kind IN ('kostra_group', 'country')
),
wide AS (  -- step 2: one row per region and year, one column pair per input
    SELECT region_code, region_kind, year,
           any_value(value) FILTER (WHERE indicator_id = 'population_age_0_66') AS p0,
           any_value(status) FILTER (WHERE indicator_id = 'population_age_0_66') AS p0_s,
           any_value(value) FILTER (WHERE indicator_id = 'population_age_67_79') AS p67,
           any_value(status) FILTER (WHERE indicator_id = 'population_age_67_79') AS p67_s,
           any_value(value) FILTER (WHERE indicator_id = 'population_age_80_89') AS p80,
           any_value(status) FILTER (WHERE indicator_id = 'population_age_80_89') AS p80_s,
           any_value(value) FILTER (WHERE indicator_id = 'population_age_90_plus') AS p90,
           any_value(status) FILTER (WHERE indicator_id = 'population_age_90_plus') AS p90_s,
           any_value(value) FILTER (WHERE indicator_id = 'home_care_recipients') AS h_all,
           any_value(status) FILTER (WHERE indicator_id = 'home_care_recipients') AS h_all_s,
           any_value(value) FILTER (WHERE indicator_id = 'home_care_recipients_0_66') AS h0,
           any_value(status) FILTER (WHERE indicator_id = 'home_care_recipients_0_66') AS h0_s,
           any_value(value) FILTER (WHERE indicator_id = 'home_care_recipients_80_plus') AS h80,
           any_value(status) FILTER (WHERE indicator_id = 'home_care_recipients_80_plus') AS h80_s,
           bool_or(is_own_calculation) FILTER (WHERE indicator_id LIKE 'home_care_recipients%') AS h_own,
           any_value(value) FILTER (WHERE indicator_id = 'long_term_residents_age_0_66') AS l0,
           any_value(status) FILTER (WHERE indicator_id = 'long_term_residents_age_0_66') AS l0_s,
           any_value(is_own_calculation) FILTER (WHERE indicator_id = 'long_term_residents_age_0_66') AS l0_own,
           any_value(value) FILTER (WHERE indicator_id = 'long_term_residents_age_67_79') AS l67,
           any_value(status) FILTER (WHERE indicator_id = 'long_term_residents_age_67_79') AS l67_s,
           any_value(is_own_calculation) FILTER (WHERE indicator_id = 'long_term_residents_age_67_79') AS l67_own,
           any_value(value) FILTER (WHERE indicator_id = 'long_term_residents_age_80_89') AS l80,
           any_value(status) FILTER (WHERE indicator_id = 'long_term_residents_age_80_89') AS l80_s,
           any_value(is_own_calculation) FILTER (WHERE indicator_id = 'long_term_residents_age_80_89') AS l80_own,
           any_value(value) FILTER (WHERE indicator_id = 'long_term_residents_age_90_plus') AS l90,
           any_value(status) FILTER (WHERE indicator_id = 'long_term_residents_age_90_plus') AS l90_s,
           any_value(is_own_calculation) FILTER (WHERE indicator_id = 'long_term_residents_age_90_plus') AS l90_own,
           any_value(value) FILTER (WHERE indicator_id = 'home_care_cost_per_recipient') AS c_home,
           any_value(status) FILTER (WHERE indicator_id = 'home_care_cost_per_recipient') AS c_home_s,
           any_value(value) FILTER (WHERE indicator_id = 'institution_cost_per_place') AS c_inst,
           any_value(status) FILTER (WHERE indicator_id = 'institution_cost_per_place') AS c_inst_s,
           bool_or(is_demo) AS is_demo
    FROM series
    GROUP BY region_code, region_kind, year
),
with_totals AS (  -- step 3: the region's inhabitants (all four age groups) and the home-services rest 67-79
    SELECT *,
           p0 + p67 + p80 + p90 AS region_population,
           CASE WHEN p0 IS NULL OR p67 IS NULL OR p80 IS NULL OR p90 IS NULL
                THEN coalesce(p0_s, p67_s, p80_s, p90_s, '..') END AS region_population_status,
           h_all - h0 - h80 AS h67,
           CASE WHEN h_all IS NULL OR h0 IS NULL OR h80 IS NULL THEN coalesce(h_all_s, h0_s, h80_s, '..') END AS h67_s
    FROM wide
),
long_rows AS (  -- step 4: one row per service and age group
    SELECT w.region_code, w.region_kind, w.year, a.service, a.age_group, a.age_order,
           a.population, a.population_status, w.region_population, w.region_population_status,
           a.users, a.users_status, a.users_own_calculation,
           CASE a.service WHEN 'home_care' THEN w.c_home ELSE w.c_inst END AS unit_cost,
           CASE a.service WHEN 'home_care' THEN coalesce(w.c_home_s, CASE WHEN w.c_home IS NULL THEN '..' END)
                ELSE coalesce(w.c_inst_s, CASE WHEN w.c_inst IS NULL THEN '..' END) END AS unit_cost_status,
           w.is_demo
    FROM with_totals w,
    LATERAL (VALUES
        ('home_care', '0-66', 1, w.p0, w.p0_s, w.h0, w.h0_s, coalesce(w.h_own, false)),
        ('home_care', '67-79', 2, w.p67, w.p67_s, w.h67, w.h67_s, true),
        ('home_care', '80+', 3, w.p80 + w.p90, coalesce(w.p80_s, w.p90_s), w.h80, w.h80_s, coalesce(w.h_own, false)),
        ('long_term', '0-66', 1, w.p0, w.p0_s, w.l0, w.l0_s, coalesce(w.l0_own, false)),
        ('long_term', '67-79', 2, w.p67, w.p67_s, w.l67, w.l67_s, coalesce(w.l67_own, false)),
        ('long_term', '80-89', 3, w.p80, w.p80_s, w.l80, w.l80_s, coalesce(w.l80_own, false)),
        ('long_term', '90+', 4, w.p90, w.p90_s, w.l90, w.l90_s, coalesce(w.l90_own, false))
    ) AS a(service, age_group, age_order, population, population_status, users, users_status, users_own_calculation)
)
SELECT region_code, region_kind, year, service, age_group, age_order,
       population,
       CASE WHEN population IS NULL THEN coalesce(population_status, '..') END AS population_status,
       region_population, region_population_status,
       users,
       CASE WHEN users IS NULL THEN coalesce(users_status, '..') END AS users_status,
       users_own_calculation, unit_cost, unit_cost_status, is_demo
FROM long_rows;
