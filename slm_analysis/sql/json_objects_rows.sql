-- The objects of a JSON export written as an array of objects or as JSON lines.
select json as obj from read_json_objects($path, format = 'auto')
