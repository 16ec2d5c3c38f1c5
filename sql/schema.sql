-- Schema for the SSB/KLASS part of data/kostra.duckdb.
-- Built fresh by pipelines/build.py into a new file on every build; own-data tables live in schema_own.sql.

-- region: one row per region code ever seen (municipalities, counties, KOSTRA groups, country).
-- columns: code, name, kind ('municipality'|'county'|'kostra_group'|'country'), valid_from, valid_to (null = valid now)
CREATE TABLE region (
    code        VARCHAR NOT NULL PRIMARY KEY,
    name        VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL CHECK (kind IN ('municipality', 'county', 'kostra_group', 'country')),
    valid_from  DATE,
    valid_to    DATE
);

-- region_change: one row per (old_code, new_code, change_date) from KLASS 131 changes.
-- kind: 'renumber' (one to one), 'merge' (several to one), 'split' (one to several)
CREATE TABLE region_change (
    old_code     VARCHAR NOT NULL,
    old_name     VARCHAR,
    new_code     VARCHAR NOT NULL,
    new_name     VARCHAR,
    change_date  DATE NOT NULL,
    change_year  INTEGER NOT NULL,
    kind         VARCHAR NOT NULL
);

-- region_lineage: one row per (code, current_code): every municipality code ever -> today's code(s).
-- via_kind: 'self' | 'renumber' (a pure renumbering chain: one continuous series) | 'merge' | 'split'
-- main_line: the code is today's municipality itself or the predecessor that gave it its name (0709 Larvik before
--            Lardal joined in 2018, 0704 Tønsberg before Re joined in 2020); used to follow the KOSTRA group
--            and to draw a comparison municipality's own history, never to join series across a merger.
CREATE TABLE region_lineage (
    code          VARCHAR NOT NULL,
    current_code  VARCHAR NOT NULL,
    via_kind      VARCHAR NOT NULL,
    main_line     BOOLEAN NOT NULL DEFAULT false
);

-- kostra_group_membership: one row per (year, municipality_code): which KOSTRA group (EKGnn) a municipality is in.
CREATE TABLE kostra_group_membership (
    year               INTEGER NOT NULL,
    group_code         VARCHAR NOT NULL,
    group_name         VARCHAR NOT NULL,
    municipality_code  VARCHAR NOT NULL,
    is_demo            BOOLEAN NOT NULL
);

-- source_file: one row per raw response the build read (from data/raw/manifest.json).
CREATE TABLE source_file (
    path        VARCHAR NOT NULL PRIMARY KEY,
    kind        VARCHAR NOT NULL,      -- 'ssb_table' | 'ssb_data' | 'klass'
    table_id    VARCHAR,
    url         VARCHAR,
    fetched_at  TIMESTAMPTZ,
    sha256      VARCHAR NOT NULL,
    updated     TIMESTAMPTZ,           -- SSB's `updated` for the table/response
    is_demo     BOOLEAN NOT NULL
);

-- source_table: one row per SSB table: title, SSB's update time, when we fetched it, whether demo, SSB's notes.
CREATE TABLE source_table (
    table_id    VARCHAR NOT NULL PRIMARY KEY,
    title       VARCHAR NOT NULL,
    updated     TIMESTAMPTZ,
    fetched_at  TIMESTAMPTZ,
    is_demo     BOOLEAN NOT NULL,
    notes       VARCHAR[]
);

-- observation: the long table, one row per (table_id, contents_code, filter_key, region_code, year).
-- filter_key: other dimensions' codes as 'DIM=code|DIM2=code' (sorted by dimension id; '' when none).
-- value is NULL where SSB sends a status symbol instead of a number ('.', '..', ':'); '-' means exactly 0.
CREATE TABLE observation (
    table_id       VARCHAR NOT NULL,
    contents_code  VARCHAR NOT NULL,
    filter_key     VARCHAR NOT NULL,
    region_code    VARCHAR NOT NULL,
    year           INTEGER NOT NULL,
    value          DOUBLE,
    status         VARCHAR,
    is_demo        BOOLEAN NOT NULL
);

-- indicator: one row per catalogue entry (pipelines/catalogue.toml), so SQL and pages can read labels and units.
CREATE TABLE indicator (
    id                VARCHAR NOT NULL PRIMARY KEY,
    label             VARCHAR NOT NULL,
    short_label       VARCHAR NOT NULL,
    unit              VARCHAR NOT NULL,
    decimals          INTEGER NOT NULL,
    kind              VARCHAR NOT NULL,
    indicator_group   VARCHAR NOT NULL,
    definition        VARCHAR NOT NULL,
    higher_is_better  BOOLEAN,
    own_calculation   BOOLEAN NOT NULL,
    service           VARCHAR,
    age_group         VARCHAR,
    source_table      VARCHAR,
    contents_code     VARCHAR,
    contents_label    VARCHAR,
    filter_key        VARCHAR,
    formula           VARCHAR,
    verified          BOOLEAN NOT NULL,
    sort_order        INTEGER NOT NULL,
    basis             VARCHAR,           -- 'evidence' | 'guess': where the catalogue's contents code comes from
    evidence          VARCHAR,           -- where it was seen (or «Funnet ved navnet …» after `catalogue check --write`)
    checked_on        DATE               -- the live check that confirmed code and label (`catalogue check --write`)
);

-- derived_value: one row per (indicator_id, region_code, year) that we calculate ourselves:
-- formula indicators, and sums of counts over members where SSB publishes no group/country figure.
-- method: 'formula' | 'sum_of_members'; reason: why a value is missing (Norwegian; e.g. the members without a figure)
CREATE TABLE derived_value (
    indicator_id  VARCHAR NOT NULL,
    region_code   VARCHAR NOT NULL,
    year          INTEGER NOT NULL,
    value         DOUBLE,
    status        VARCHAR,
    is_demo       BOOLEAN NOT NULL,
    method        VARCHAR NOT NULL,
    reason        VARCHAR
);

-- build_info: key/value facts about this database file (built_at, raw_dir, is_demo, catalogue hash, ...).
CREATE TABLE build_info (
    key    VARCHAR NOT NULL PRIMARY KEY,
    value  VARCHAR
);

-- indicator_origin: one row per catalogue indicator: where its rows come from, so a page never mixes silently.
-- is_demo: rows are demo; fetched_at: the (earliest) fetch that got its rows from SSB (NULL for demo);
-- stale: the latest fetch could not update it (its catalogue entry failed the check) and it kept earlier rows;
-- reason: why (Norwegian, from the check). Formula indicators inherit from their inputs.
-- Found by label (the catalogue's code is not in SSB's metadata; the fetch used the code SSB has under the
-- catalogue's label): catalogue_table, catalogue_code say what the catalogue says, resolved_table, resolved_code,
-- resolved_label what SSB has, resolved_on the day the fetch found it. NULL for entries fetched as catalogued.
-- not_found: the database holds SSB's real figures, this entry failed the check (not found by code or label, unit
-- changed, table ended) and had nothing but demo rows: they are left out, and pages say «ikke funnet hos SSB».
CREATE TABLE indicator_origin (
    indicator_id     VARCHAR NOT NULL PRIMARY KEY,
    is_demo          BOOLEAN NOT NULL,
    fetched_at       TIMESTAMPTZ,
    stale            BOOLEAN NOT NULL,
    reason           VARCHAR,
    catalogue_table  VARCHAR,
    catalogue_code   VARCHAR,
    resolved_table   VARCHAR,
    resolved_code    VARCHAR,
    resolved_label   VARCHAR,
    resolved_on      DATE,
    not_found        BOOLEAN       -- a live database: failed the check and had only demo rows, which were left out
);
