"""The secretariat's work on registrants, across record and account: the searchable list,
the record page's facts and actions, the ledger CSV import and export, overview counts."""
