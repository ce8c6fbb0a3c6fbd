"""Generic document helpers shared by every app: upload checks, xlsx reading and writing.

- `validate_upload(file, allowed=("xlsx",))`: size and real type, before anything is stored.
- `read_rows(file, columns)`: (row number, {key: value}) for each data row of a sheet.
- `RowErrors`: every problem of an import, by row number, raised as one ValidationFailed.
- `write_xlsx(headers, rows)`: a workbook as bytes; `xlsx_response(...)` sends it.
"""

from .uploads import XLSX_CONTENT_TYPE, validate_upload
from .xlsx import (
    CellError,
    Column,
    RowError,
    RowErrors,
    cell_bool,
    cell_date,
    cell_list,
    cell_text,
    read_rows,
    write_xlsx,
    xlsx_response,
)

__all__ = [
    "XLSX_CONTENT_TYPE",
    "CellError",
    "Column",
    "RowError",
    "RowErrors",
    "cell_bool",
    "cell_date",
    "cell_list",
    "cell_text",
    "read_rows",
    "validate_upload",
    "write_xlsx",
    "xlsx_response",
]
