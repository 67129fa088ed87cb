"""Registrant Portal: certification registry, continuing education and renewal."""
