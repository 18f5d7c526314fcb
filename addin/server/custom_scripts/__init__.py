"""xlwings Server needs a ``custom_scripts`` package; the KPI add-in has no scripts (only functions)."""
