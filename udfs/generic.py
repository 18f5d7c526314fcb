"""generic metrics."""
