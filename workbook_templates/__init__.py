"""Team template workbooks, the shared data model and sample data."""
