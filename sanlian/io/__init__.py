"""Files in and out: CSV and Excel readers (encoding and delimiter detected), and writers.

Readers (:mod:`sanlian.io.readers`) turn a file into numbered rows of cells as Excel shows them;
:mod:`sanlian.io.cells` normalises what Excel did to the values; :mod:`sanlian.io.writers`
writes .xlsx (openpyxl) and .csv (UTF-8 with BOM). Nothing here knows the domain.
"""
