-- Temp view `raw` for a CSV file whose lines end in CRLF or CR (getvariable('slm_newline')):
-- the records of temp view `raw_file` (raw_csv.sql), with each line break inside a quoted value
-- read as LF, so the file loads exactly as the same file with LF line endings (dos2unix,
-- mac2unix) does. Excel writes a cell's line breaks as LF already; those values are unchanged.
select slm_lf(columns(*), getvariable('slm_newline'))
from raw_file
