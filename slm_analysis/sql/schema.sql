-- The warehouse schema. Instants are TIMESTAMPTZ (stored as UTC). Every table keeps the load
-- that last wrote each row. The key of each loaded table is declared in warehouse.KEYS and
-- kept by the loader (de-duplicate, delete, insert in one transaction; newest update wins),
-- not by a PRIMARY KEY: DuckDB's key index cost more than all the rest of a 1M-row load.
create table if not exists meta (
    key varchar primary key,
    value varchar not null
);
create sequence if not exists load_id_seq start 1;
create table if not exists load_log (
    load_id integer primary key,
    kind varchar not null,
    format varchar not null,
    path varchar not null,
    sha256 varchar not null,
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    rows_unmapped bigint not null,
    started_at timestamptz not null,
    finished_at timestamptz not null,
    warnings varchar[] not null,
    source varchar                -- the source its records are keyed by (null: before schema 4)
);
create table if not exists quarantine (
    load_id integer not null,
    kind varchar not null,
    path varchar not null,
    line bigint,
    column_name varchar,
    value varchar,
    reason varchar not null,
    customer varchar              -- the customer the record's fields map to (null: none)
);
create table if not exists incidents (
    source varchar not null,
    number varchar not null,
    customer varchar,
    service varchar,
    short_description varchar,
    priority integer,
    state varchar,
    opened_at timestamptz not null,
    first_response_at timestamptz,
    resolved_at timestamptz,
    closed_at timestamptz,
    category varchar,
    company varchar,
    business_service varchar,
    cmdb_ci varchar,
    assignment_group varchar,
    assigned_to varchar,
    major boolean not null default false,
    reopen_count integer,
    vendor_made_sla boolean,
    updated_at timestamptz,
    load_id integer not null
);
create table if not exists incident_states (
    source varchar not null,
    number varchar not null,
    state varchar not null,
    start_at timestamptz not null,
    end_at timestamptz,
    load_id integer not null
);
create table if not exists outages (
    source varchar not null,
    outage_id varchar not null,
    customer varchar,
    service varchar,
    start_at timestamptz not null,
    end_at timestamptz,
    impact varchar not null,            -- full | partial | none
    planned boolean not null,
    title varchar,
    cmdb_ci varchar,
    load_id integer not null,
    task varchar                        -- the incident or change behind it (schema 8)
);
create table if not exists downtime_days (   -- schema 7: a status page's uptime bars
    source varchar not null,
    component varchar not null,         -- the status page's component
    customer varchar,
    service varchar,
    day date not null,                  -- the local date of the status page's day
    start_at timestamptz not null,      -- its local midnights: [start_at, end_at)
    end_at timestamptz not null,
    partial_minutes double not null,    -- minutes in partial outage that day
    major_minutes double not null,      -- minutes in major outage that day
    load_id integer not null
);
create table if not exists checks (
    source varchar not null,
    check_name varchar not null,
    customer varchar,
    service varchar,
    checked_at timestamptz not null,
    ok boolean not null,
    latency_ms double,
    load_id integer not null,
    stream varchar not null default 'polled'  -- polled | status-change (schema 5)
);
create table if not exists surveys (
    source varchar not null,
    response_id varchar not null,
    customer varchar,
    service varchar,
    incident_number varchar,
    submitted_at timestamptz not null,
    score double not null,
    scale integer not null,
    comment varchar,
    load_id integer not null
);
create table if not exists maintenance_windows (
    source varchar not null,
    window_id varchar not null,
    customer varchar,
    service varchar,
    start_at timestamptz not null,
    end_at timestamptz not null,
    title varchar,
    load_id integer not null
);
create table if not exists actions (
    source varchar not null,
    action_id varchar not null,
    customer varchar,
    service varchar,
    title varchar not null,
    target_id varchar,
    incident_number varchar,
    owner varchar,
    opened_at timestamptz,
    due_at timestamptz,
    status varchar not null,
    closed_at timestamptz,
    load_id integer not null
);
