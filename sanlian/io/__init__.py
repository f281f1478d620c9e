"""Files in and out: CSV and Excel readers (encoding and delimiter detected), and writers.

Readers (:mod:`sanlian.io.readers`) turn a file into numbered rows of cells as Excel shows them;
:mod:`sanlian.io.cells` normalises what Excel did to the values; :mod:`sanlian.io.writers`
writes .xlsx (through the streaming sheet writer :mod:`sanlian.io.xlsx_stream`) and .csv (UTF-8
with BOM); :mod:`sanlian.io.report_docx` writes Word reports. Nothing here knows the domain.
"""

import re

# Characters XML 1.0 cannot hold (Word and Excel files refuse them): control characters other
# than tab and line breaks, lone surrogates and U+FFFE/U+FFFF. Text is stripped of control
# characters on entry, but a database written by an older version may still hold them.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
