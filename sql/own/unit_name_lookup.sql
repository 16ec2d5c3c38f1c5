-- unit_name_lookup: one row per unit name in the unit register (trimmed, lower case), to fill a missing unit code
-- from the name. The caller uses only names with n = 1 (an ambiguous name resolves to nothing).
-- columns: k (lower(trim(unit_name))), c (smallest unit_code with that name), n (how many units share the name)
-- params: none
SELECT lower(trim(unit_name)) AS k, min(unit_code) AS c, count(*) AS n
FROM own_unit
WHERE unit_name IS NOT NULL
GROUP BY 1;
