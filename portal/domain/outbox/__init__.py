"""Mail queued with the change that causes it: the outbox table and `post.enqueue()`.
Delivery lives in `portal.mail`; the admins' view of it in `staff.outbox_admin`."""
