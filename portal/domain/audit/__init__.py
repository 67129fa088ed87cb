"""The audit log's table and its one writer, `trail.record()`, used inside the caller's
transaction by every subdomain. Reading the log is the staff package's (`staff.audit_log`)."""
