-- Schema 6 → 7: status-page day tables (format statuspage-days) get their own table: per
-- component and local day, the minutes of partial and of major outage. The day's total does not
-- say when in the day the outage was, so these rows are not outages with a start and an end.
create table if not exists downtime_days (
    source varchar not null,
    component varchar not null,
    customer varchar,
    service varchar,
    day date not null,
    start_at timestamptz not null,
    end_at timestamptz not null,
    partial_minutes double not null,
    major_minutes double not null,
    load_id integer not null
)
