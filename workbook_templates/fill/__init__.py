"""The fill: CRM exports into filled team workbooks (``kpi fill``, ``kpi demo``, ``kpi refresh``).

A row takes one pass through these modules: :mod:`.sources` reads and checks the exports (``presets/`` maps
Salesforce and HubSpot columns), :mod:`.split` cuts the data per owner, team or region, :mod:`.batch` plans one
job per workbook and runs them, :mod:`.write` fills a template (:mod:`.cells` for every value, and
:mod:`.cached_values` splices the rows and the formulas' values into the saved package), :mod:`.commands`
reports. :mod:`.refresh` puts new rows into a workbook a person has edited. The templates themselves (specs,
builder, messages, the formula evaluator) live one level up in :mod:`workbook_templates`.
"""
