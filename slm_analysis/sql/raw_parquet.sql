-- Temp view `raw`: the Parquet file getvariable('slm_path'), every column as text, like a CSV.
select columns(*)::varchar from read_parquet(getvariable('slm_path'))
