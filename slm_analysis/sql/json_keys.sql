-- Every field name used by the objects of temp table json_objects.
select distinct unnest(json_keys(obj)) as key from json_objects
