-- The issues of a Jira export, as incidents.
select * from mapped where _reason is null
