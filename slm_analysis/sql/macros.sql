-- Parsing helpers used by every staging query. Created as temporary macros per connection.
create or replace temp macro slm_blank(x) as nullif(nullif(trim(x), ''), '?');
create or replace temp macro slm_ts(x, zone) as (
    case
        when slm_blank(x) is null then null
        when regexp_matches(trim(x), '(Z|[+-]\d\d:?\d\d)$') then try_cast(trim(x) as timestamptz)
        else timezone(zone, try_strptime(trim(x), [
            '%Y-%m-%d %H:%M:%S', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%dT%H:%M',
            '%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%Y-%m-%d'
        ]))
    end
);
create or replace temp macro slm_bool(x) as (
    case lower(trim(x))
        when 'true' then true when '1' then true when 'yes' then true when 'y' then true
        when 'up' then true when 'ok' then true when 'pass' then true when 'success' then true
        when 'false' then false when '0' then false when 'no' then false when 'n' then false
        when 'down' then false when 'fail' then false when 'failed' then false
        when 'error' then false
        else null
    end
);
create or replace temp macro slm_priority(x) as coalesce(
    try_cast(regexp_extract(trim(x), '^[Pp]?\s*(\d+)', 1) as integer),
    case lower(trim(x))
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
        regexp_replace(regexp_replace(lower(trim(x)), 'p\.\s*m\.', 'pm'), 'a\.\s*m\.', 'am'),
        '/ene/', '/jan/'), '/abr/', '/apr/'), '/ago/', '/aug/'), '/dic/', '/dec/'),
        '/sept/', '/sep/'), '/set/', '/sep/'), '/dez/', '/dec/');
create or replace temp macro slm_jira_ts(x, zone) as (
    case
        when slm_blank(x) is null then null
        else timezone(zone, try_strptime(slm_jira_text(x), [
            '%d/%b/%y %I:%M %p', '%d/%b/%Y %I:%M %p', '%d/%b/%y %H:%M', '%d/%b/%Y %H:%M',
            '%Y-%m-%d %H:%M', '%Y-%m-%d %H:%M:%S'
        ]))
    end
);
