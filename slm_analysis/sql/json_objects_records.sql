-- The records of a ServiceNow JSON export ({"records": [...]}), one JSON object per row.
select unnest(from_json(json -> '$.records', '["JSON"]')) as obj
from read_json_objects($path)
