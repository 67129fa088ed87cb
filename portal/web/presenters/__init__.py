"""What the pages show, as frozen dataclasses built by pure functions from the domain's
views: translated, formatted in the reader's language, with booleans for what a row
offers. No Reflex, no database: unit-tested on their own (tests/web/presenters)."""
