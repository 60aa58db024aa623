-- Schema 3 → 4: a load records the source its records are keyed by (`slm load --source`), so
-- its quarantined rows are counted against that source; older loads keep null (their format's
-- family, the only source there was).
alter table load_log add column source varchar
