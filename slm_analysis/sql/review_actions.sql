-- Corrective and improvement actions of the customer; overdue when open past its due date.
-- closed_at (UTC) dates a completed action for the before/after comparison of its target.
select
    action_id,
    title,
    service,
    target_id,
    owner,
    status,
    strftime(opened_at, '%Y-%m-%d') as opened,
    strftime(due_at, '%Y-%m-%d') as due,
    strftime(closed_at, '%Y-%m-%d') as closed,
    closed_at,
    status not in ('done', 'cancelled') and due_at < $as_of as overdue
from actions
where customer = $customer
order by status in ('done', 'cancelled'), due_at nulls last, action_id
