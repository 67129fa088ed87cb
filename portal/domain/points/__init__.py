"""Continuing-education points: the activity catalogue and categories, claims with evidence,
the review and its mails, attendance lists, and the counting rule with its caps
(`points_rules`)."""
