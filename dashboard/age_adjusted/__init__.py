"""The age-adjusted comparison (page /aldersjustert, issue 18): why a municipality's modelled care spending differs
from a reference's, split into demography, coverage and unit cost. The arithmetic is SQL (sql/views/70-71,
sql/queries/age_adjusted_*.sql); this package reads it, words it and draws it."""
