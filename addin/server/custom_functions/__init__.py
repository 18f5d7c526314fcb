"""The KPI catalogue as xlwings Server custom functions: ``=KPI.ACV(380000, 20000, 3)`` gives 120000.

xlwings Server imports this package as ``custom_functions`` (its project directory, ``addin/server``, is
on ``sys.path``). The functions are generated from the catalogue by :mod:`udfs.excel`; the ``KPI``
namespace comes from the manifest (``functions_namespace`` in ``addin/server/pyproject.toml``).
"""

from udfs.excel import build

globals().update(build("officejs", namespaced=True))
