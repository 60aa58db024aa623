-- The column names DuckDB gives the CSV file getvariable('slm_path') (duplicates get _1, _2…),
-- every column read as text; getvariable('slm_compression') is none or gzip.
select column_name
from (
    describe select *
    from read_csv(
        getvariable('slm_path'), all_varchar = true, header = true,
        delim = getvariable('slm_delim'), compression = getvariable('slm_compression'),
        quote = '"', escape = '"', strict_mode = true, null_padding = false
    )
)
