-- The records of a ServiceNow JSON export ({"records": [...]}), one JSON object per row. The
-- export is one JSON object, so DuckDB's per-object limit is raised to the file's size.
select unnest(records) as obj
from read_json($path, columns = {'records': 'JSON[]'}, maximum_object_size = $size)
