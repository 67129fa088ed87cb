"""Rendering and delivering the outbox. The domain writes rows; this package turns them into mail."""
