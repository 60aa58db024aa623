-- The objects of temp table json_objects as rows with every field as text ($structure names
-- each field with type VARCHAR, so nothing is guessed: "007" stays "007", "up" stays up).
select unnest(json_transform(obj, $structure)) from json_objects
