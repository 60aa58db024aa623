-- Schema 2 → 3: quarantined records keep the customer their fields map to, so a customer's pack
-- counts only its own rejected rows (null: the record mapped to no customer).
alter table quarantine add column customer varchar
