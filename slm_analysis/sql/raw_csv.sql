-- Temp view `raw`: the CSV file getvariable('slm_path'), every field as text, with the column
-- names of raw_csv_names.sql given (getvariable('slm_columns')) so it is not sniffed again at
-- each use. Read where it lies, in parallel (gzip-compressed: as it streams,
-- getvariable('slm_compression')), in file order.
select *
from read_csv(
    getvariable('slm_path'), auto_detect = false, header = true,
    columns = getvariable('slm_columns'), delim = getvariable('slm_delim'),
    compression = getvariable('slm_compression'),
    quote = '"', escape = '"', strict_mode = true, null_padding = false
)
