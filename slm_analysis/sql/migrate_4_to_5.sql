-- Schema 4 → 5: a check row records the kind of stream it came from — `polled` (one row per
-- check run) or `status-change` (a row only when the monitor flips) — so outages inferred from
-- checks read it rightly. Rows loaded before schema 5 came from the polled formats (a status-
-- change file loaded as uptime-checks was read as polled too): they keep `polled`.
alter table checks add column stream varchar default 'polled'
