-- build_info: one row per fact about the database file (built_at, is_demo, ...).
-- columns: key, value
SELECT key, value FROM build_info ORDER BY key;
