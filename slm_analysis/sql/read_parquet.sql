-- A Parquet export with every column as text, like a CSV read.
select columns(*)::varchar from read_parquet($path)
