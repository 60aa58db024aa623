-- Survey responses → surveys. Scores must lie on the declared 1..$scale scale.
with parsed as (
    select
        slm_blank(response_id) as rid,
        slm_ts(submitted_at, $zone, $ts_format) as t,
        try_cast(slm_blank(score) as double) as s,
        stage.*
    from stage
),
checked as (
    select
        *,
        case
            when rid is null then 'response_id'
            when t is null then 'submitted_at'
            when s is null or s < 1 or s > $scale then 'score'
        end as _column
    from parsed
)
select
    _column,
    case _column
        when 'response_id' then response_id when 'submitted_at' then submitted_at when 'score' then score
    end as _value,
    case _column
        when 'response_id' then 'missing response id'
        when 'submitted_at' then slm_ts_reason($layouts)
        when 'score' then 'score is not a number from 1 to ' || $scale
    end as _reason,
    $source as source,
    rid as response_id,
    slm_blank(incident_number) as incident_number,
    t as submitted_at,
    s as score,
    $scale::integer as scale,
    slm_blank(comment) as comment,
    slm_blank(company) as company,
    slm_blank(business_service) as business_service
from checked
