-- age_adjusted_coverage: one row per (year, service, age_group) for one municipality and reference: our and the
-- reference's inhabitants, age shares, users and coverage side by side (the table by age group on /aldersjustert;
-- every year at once, so changing the year on the page needs no query).
-- columns: year, service, age_group, age_order, reference_code, reference_name, own_population,
--          own_population_status, own_share, own_users, own_users_status, own_coverage, reference_population,
--          reference_population_status, reference_share, reference_users, reference_users_status, reference_coverage,
--          reference_member_sums, is_demo
-- params: $municipality (today's code), $reference ('EAKUO' | 'EAK' | 'group' | today's code of a municipality),
--         $from_year
-- coverage = users / inhabitants in the age group; NULL with the status of the missing input, never 0.
SELECT p.year, p.service, p.age_group, p.age_order, p.reference_code, r.name AS reference_name,
       p.own_population, p.own_population_status, p.own_share, p.own_users, p.own_users_status, p.own_coverage,
       p.reference_population, p.reference_population_status, p.reference_share, p.reference_users,
       p.reference_users_status, p.reference_coverage, p.reference_member_sums, p.is_demo
FROM age_adjusted_pairs($municipality, $reference) p
LEFT JOIN region r ON r.code = p.reference_code
WHERE p.year >= $from_year
ORDER BY p.year, CASE p.service WHEN 'home_care' THEN 1 ELSE 2 END, p.age_order;
