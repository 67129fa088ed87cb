"""Renewal rules as data: versions the secretariat keeps (`rule_set`, pure), their table,
the loading and publishing services (`versions`), the plain-words wording (`wording`)
and the TOML files operators import (`rule_files`)."""
