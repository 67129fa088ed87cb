"""Shared plumbing every subdomain stands on: the engine and transactions, the clock,
errors for the web layer, bulk writes, typed dates, text folding for search, e-mail
address syntax, migrations and staged upload files. Imports no other package."""
