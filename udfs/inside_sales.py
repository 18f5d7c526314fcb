"""inside_sales metrics."""
