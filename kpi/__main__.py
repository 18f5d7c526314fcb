"""``python -m kpi`` runs the ``kpi`` command."""

from kpi.cli import app

app()
