"""presales metrics."""
