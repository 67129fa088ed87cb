"""The ledger (台帳): one record per certified person, its typed fields, the sections a
record is edited in and the history of every change. Knows nothing of sign-in."""
