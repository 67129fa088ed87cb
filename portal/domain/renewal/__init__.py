"""Renewal: the eligibility rule (`eligibility`) and its batch form, applications, staff
decisions, certificates and their verification, expiry, reminders, the season's figures
and the daily job that runs expiry and reminders."""
