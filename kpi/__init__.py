"""The ``kpi`` command: one entry point for the add-in, the templates and the batch fill."""
