-- Parsing helpers used by every staging query. Created as temporary macros per connection.
-- trim(x), but only strings that may have spaces to trim are copied (trim() copies every string,
-- which costs at 1M rows). trim() also removes Unicode spaces (U+00A0, U+2000…): any string
-- with a non-ASCII character (more bytes than characters) goes through it.
create or replace temp macro slm_trim(x) as
    case when prefix(x, ' ') or suffix(x, ' ') or strlen(x) <> length(x) then trim(x) else x end;
create or replace temp macro slm_blank(x) as nullif(nullif(slm_trim(x), ''), '?');
-- The date-time layouts read without a declared format, in the order they are tried. No text
-- matches two of them (each must consume the whole value), so trying one first changes nothing.
create or replace temp macro slm_ts_formats() as [
    '%Y-%m-%d %H:%M:%S', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%dT%H:%M',
    '%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%Y-%m-%d'
];
create or replace temp macro slm_has_offset(x) as regexp_matches(x, '(Z|[+-]\d\d:?\d\d)$');
-- A date-time text without an offset, which is read in the load's zone (null is none). Values
-- ending in Z are ruled out before the regular expression, which costs ~5x more per value.
create or replace temp macro slm_naive(x) as
    not suffix(x, 'Z') and slm_blank(x) is not null and not slm_has_offset(trim(x));
-- What slm_ts reads, as a quarantine reason lists it: the layouts above, then ISO 8601 with an
-- offset (importers.load names a format's list in Format.layouts).
create or replace temp macro slm_ts_layouts() as
    list_concat(slm_ts_formats(), ['ISO 8601 with an offset (e.g. 2026-10-05T14:23:11Z)']);
-- The one reason text for a date-time that could not be read, naming the layouts tried
-- ($layouts: a mapping's timestamp_format, then the format's own list).
create or replace temp macro slm_ts_reason(layouts) as
    'not a valid date-time; layouts tried: ' || array_to_string(layouts, ', ');
create or replace temp macro slm_ts_any(x, zone) as (
    case
        when slm_blank(x) is null then null
        when slm_has_offset(trim(x)) then try_cast(trim(x) as timestamptz)
        else timezone(zone, try_strptime(trim(x), slm_ts_formats()))
    end
);
-- slm_ts_any with a fast path: `fmt` is the layout most of the file's values have (found by
-- importers.load._timestamp_format; 'offset' for ISO values with a zone offset). A failed strptime
-- costs ~50x a successful one, so trying the file's own layout first matters at 1M rows.
create or replace temp macro slm_ts(x, zone, fmt) as coalesce(
    case
        when fmt = 'offset' then
            case when slm_has_offset(x) then try_cast(x as timestamptz) end
        else timezone(zone, try_strptime(x, fmt))
    end,
    slm_ts_any(x, zone)
);
create or replace temp macro slm_bool(x) as (
    case lower(slm_trim(x))
        when 'true' then true when '1' then true when 'yes' then true when 'y' then true
        when 'up' then true when 'ok' then true when 'pass' then true when 'success' then true
        when 'false' then false when '0' then false when 'no' then false when 'n' then false
        when 'down' then false when 'fail' then false when 'failed' then false
        when 'error' then false
        else null
    end
);
create or replace temp macro slm_priority(x) as coalesce(
    -- fast path for "1" and "1 - Critical": one leading digit (what the expression below gives)
    case when x[1] between '1' and '9' and not (x[2] between '0' and '9') then ascii(x) - 48 end,
    try_cast(regexp_extract(trim(x), '^[Pp]?\s*(\d+)', 1) as integer),
    case lower(slm_trim(x))
        when 'critical' then 1 when 'high' then 2 when 'moderate' then 3 when 'medium' then 3
        when 'low' then 4 when 'planning' then 5
        -- Jira's scheme, in English and Spanish
        when 'highest' then 1 when 'lowest' then 5
        when 'más alta' then 1 when 'alta' then 2 when 'media' then 3 when 'baja' then 4
        when 'más baja' then 5
    end
);
-- Jira's user-format dates: 25/Feb/26 10:17 PM, and localised 25/feb/26 10:17 p. m. with
-- Spanish month abbreviations.
create or replace temp macro slm_jira_text(x) as
    replace(replace(replace(replace(replace(replace(replace(
        regexp_replace(regexp_replace(lower(slm_trim(x)), 'p\.\s*m\.', 'pm'), 'a\.\s*m\.', 'am'),
        '/ene/', '/jan/'), '/abr/', '/apr/'), '/ago/', '/aug/'), '/dic/', '/dec/'),
        '/sept/', '/sep/'), '/set/', '/sep/'), '/dez/', '/dec/');
create or replace temp macro slm_jira_ts_formats() as [
    '%d/%b/%y %I:%M %p', '%d/%b/%Y %I:%M %p', '%d/%b/%y %H:%M', '%d/%b/%Y %H:%M',
    '%Y-%m-%d %H:%M', '%Y-%m-%d %H:%M:%S'
];
create or replace temp macro slm_jira_ts(x, zone) as (
    case
        when slm_blank(x) is null then null
        else timezone(zone, try_strptime(slm_jira_text(x), slm_jira_ts_formats()))
    end
);
-- A value of a file whose lines end in `nl` (CRLF or CR) with its line breaks as LF, as in the
-- same file with LF line endings; a value without one is not copied.
create or replace temp macro slm_lf(x, nl) as
    case when contains(x, nl) then replace(x, nl, chr(10)) else x end;
