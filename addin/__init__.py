"""What each Excel runtime needs to call the KPI catalogue.

``classic/``  classic xlwings (Windows Excel + local Python): the ``xlwings.conf`` that points the xlwings
              add-in's *UDF Modules* at ``udfs.excel``, and the install code behind ``kpi addin install``.
``lite/``     xlwings Lite (Windows, macOS, Excel on the web; Python in Excel via Pyodide): the generator of
              the self-contained ``main.py`` + ``requirements.txt`` bundle (``kpi addin lite``).
``server/``   xlwings Server (self-hosted FastAPI, ``xlwings-server`` on PyPI): a ready project directory with
              the ``custom_functions`` package and its settings (namespace ``KPI``), started by
              ``kpi addin server``.
``commands``  the ``kpi addin ...`` sub-commands (a ``typer.Typer`` named ``app``).

The functions themselves are generated from the catalogue by :mod:`udfs.excel`; nothing here is per function.
"""
