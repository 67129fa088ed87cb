"""Pages of organisation users (training providers)."""
