-- What the customer's incident feed covers: the first and the last incident opening. An
-- incident count of a month outside [first, last] is unknown (the feed had not started or had
-- stopped), not zero.
select min(opened_at), max(opened_at) from incidents where customer = $customer
