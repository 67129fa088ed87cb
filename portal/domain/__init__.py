"""The domain core: rules, services and tables. Never imports reflex."""
