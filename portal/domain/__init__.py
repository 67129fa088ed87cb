"""The domain core: rules, services and tables, one package per subdomain. Never imports reflex.

docs/ARCHITECTURE.md draws the packages and the one-way arrows between them;
tests/test_architecture.py enforces them.
"""
