"""The secretariat's own desk: staff accounts (invite, role, deactivate), the audit log as
admins read it, and the outbox's delivery states."""
