-- Schema for the municipality's own data in data/kostra.duckdb (budget/accounts, sick leave, unit goals,
-- budget frames), written only by pipelines/own_data (import_file / import_demo).
-- Idempotent (IF NOT EXISTS): run by pipelines/build.py on a new file and by the importer on an existing one.
-- All amounts are stored in kr; own_import_batch.amount_unit records what the file itself used.

-- own_import_batch: one row per imported file (batch_id increases by one per import).
-- columns: batch_id, kind ('budget'|'sick-leave'|'goals'|'budget-frame'), file_name, sha256 (of the file bytes),
-- options (JSON of sheet/mapping/amount unit that shaped the content), imported_at (UTC), rows (inserted),
-- replaced_rows (deleted to make room), is_demo, amount_unit ('kr'|'1000kr', null when the kind has no amounts)
CREATE TABLE IF NOT EXISTS own_import_batch (
    batch_id       INTEGER NOT NULL PRIMARY KEY,
    kind           VARCHAR NOT NULL CHECK (kind IN ('budget', 'sick-leave', 'goals', 'budget-frame')),
    file_name      VARCHAR NOT NULL,
    sha256         VARCHAR NOT NULL,
    options        VARCHAR NOT NULL,
    imported_at    TIMESTAMP NOT NULL,
    rows           INTEGER NOT NULL,
    replaced_rows  INTEGER NOT NULL,
    is_demo        BOOLEAN NOT NULL,
    amount_unit    VARCHAR CHECK (amount_unit IN ('kr', '1000kr'))
);
-- who imported the file: the ID token's `sub` and e-mail and the user's name when logged in (shared mode), the
-- machine's user name in local mode and from the command line; null for the built-in demo files and older imports
ALTER TABLE own_import_batch ADD COLUMN IF NOT EXISTS imported_by_sub VARCHAR;
ALTER TABLE own_import_batch ADD COLUMN IF NOT EXISTS imported_by_email VARCHAR;
ALTER TABLE own_import_batch ADD COLUMN IF NOT EXISTS imported_by_name VARCHAR;

-- own_budget_line: one row per (unit_code, service_code, art_code, year, period) - the natural key.
-- period: month 1-12, or null for a whole-year row. A year holds either month rows or one year row per key,
-- never both (an import replaces whole periods; see pipelines/own_data/store.py).
-- Amounts in kr. Avvik = revised_budget - accounts (positive = mindreforbruk).
CREATE TABLE IF NOT EXISTS own_budget_line (
    batch_id         INTEGER NOT NULL,
    unit_code        VARCHAR NOT NULL,
    unit_name        VARCHAR,
    sector           VARCHAR,
    service_code     VARCHAR,
    service_name     VARCHAR,
    art_code         VARCHAR,
    art_name         VARCHAR,
    year             INTEGER NOT NULL,
    period           INTEGER CHECK (period BETWEEN 1 AND 12),
    original_budget  DOUBLE,
    budget_changes   DOUBLE,
    revised_budget   DOUBLE,
    accounts         DOUBLE,
    is_demo          BOOLEAN NOT NULL
);

-- own_sick_leave: one row per (unit_code, year, month).
-- Day counts are dagsverk; sick_leave_pct and goal_pct are percent (10.31 = 10,31 %).
-- employees < 5 must be shown as ':' (use view own_sick_leave_display).
CREATE TABLE IF NOT EXISTS own_sick_leave (
    batch_id               INTEGER NOT NULL,
    unit_code              VARCHAR NOT NULL,
    unit_name              VARCHAR,
    year                   INTEGER NOT NULL,
    month                  INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    sick_days              DOUBLE,
    self_certified_days    DOUBLE,
    doctor_certified_days  DOUBLE,
    short_term_days        DOUBLE,
    long_term_days         DOUBLE,
    agreed_work_days       DOUBLE,
    sick_leave_pct         DOUBLE,
    employees              INTEGER,
    goal_pct               DOUBLE,
    is_demo                BOOLEAN NOT NULL
);

-- own_unit_goal: one row per (unit_code, year, indicator).
-- goal/result null = not set / not measured (status 'no_data'); unit is the measuring unit ('%', 'skala 1-6', ...).
CREATE TABLE IF NOT EXISTS own_unit_goal (
    batch_id          INTEGER NOT NULL,
    unit_code         VARCHAR NOT NULL,
    unit_name         VARCHAR,
    year              INTEGER NOT NULL,
    indicator         VARCHAR NOT NULL,
    goal              DOUBLE,
    result            DOUBLE,
    higher_is_better  BOOLEAN NOT NULL,
    unit              VARCHAR,
    comment           VARCHAR,
    is_demo           BOOLEAN NOT NULL
);

-- own_budget_frame: one row per (frame_name, year, line_no): the budget frame walk, in document order.
-- line_no: 1..n order within the frame (the waterfall order); ref_no: the document's own line number, if any.
-- category: start | price_wage | new_measure | saving | transfer | investment_consequence | other | end.
-- For each (frame_name, year): amount(start) + sum(amount of the lines between) = amount(end). Amounts in kr.
CREATE TABLE IF NOT EXISTS own_budget_frame (
    batch_id     INTEGER NOT NULL,
    frame_name   VARCHAR NOT NULL,
    year         INTEGER NOT NULL,
    line_no      INTEGER NOT NULL,
    ref_no       VARCHAR,
    description  VARCHAR NOT NULL,
    category     VARCHAR NOT NULL CHECK (category IN ('start', 'price_wage', 'new_measure', 'saving', 'transfer',
                                                      'investment_consequence', 'other', 'end')),
    amount       DOUBLE NOT NULL,
    is_demo      BOOLEAN NOT NULL
);

-- own_unit: one row per unit_code seen in own_budget_line, own_sick_leave or own_unit_goal (the unit register).
-- Rebuilt by the importer after every write; unit_name/sector are the most recent non-null values.
-- is_demo: true when the unit only occurs in demo rows.
CREATE TABLE IF NOT EXISTS own_unit (
    unit_code  VARCHAR NOT NULL PRIMARY KEY,
    unit_name  VARCHAR,
    sector     VARCHAR,
    is_demo    BOOLEAN NOT NULL
);
