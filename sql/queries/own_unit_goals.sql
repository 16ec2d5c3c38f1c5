-- own_unit_goals: one row per indicator on one unit's scorecard for one year.
-- columns: indicator, goal, result, higher_is_better, unit, comment, is_demo
-- params: $unit (unit code), $year
SELECT indicator, goal, result, higher_is_better, unit, comment, is_demo
FROM own_unit_goal
WHERE unit_code = $unit AND year = $year
ORDER BY indicator;
