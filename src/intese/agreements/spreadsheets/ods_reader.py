"""The ODS reader: content.xml streamed through a defused parser that forbids DTDs.

odfpy's loader keeps the whole document as Python objects, over a gigabyte for 300,000 cells,
which a 10 MB upload can hold; this keeps one row at a time.
"""

import datetime
import re
from decimal import Decimal

from defusedxml.ElementTree import iterparse

from intese.agreements.spreadsheets.format import Formula
from intese.agreements.spreadsheets.limits import MAX_COLUMNS, MAX_ROWS
from intese.agreements.spreadsheets.ods import q
from intese.agreements.spreadsheets.sheetdata import SheetData, is_empty, sheet_data, too_many_rows

CELL_TAGS = {q("table", "table-cell"), q("table", "covered-table-cell")}
TABLE, ROW, P = q("table", "table"), q("table", "table-row"), q("text", "p")
REPEAT_COLUMNS = q("table", "number-columns-repeated")
REPEAT_ROWS = q("table", "number-rows-repeated")
WHITESPACE = re.compile(r"[ \t\r\n]+")


def read_ods(archive) -> dict[str, SheetData]:
    """The sheets of an ODS archive, read from content.xml one element at a time."""
    sheets = {}
    with archive.open("content.xml") as content:
        name, rows, cells, number = "", [], [], 0
        for event, element in iterparse(content, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                if element.tag == TABLE:
                    name, rows, cells, number = element.get(q("table", "name"), ""), [], [], 0
            elif element.tag in CELL_TAGS:
                cells.append((_ods_value(element), int(element.get(REPEAT_COLUMNS, "1"))))
                element.clear()
            elif element.tag == ROW:
                values = _expand_cells(cells)
                # LibreOffice ends a sheet with a million repeated empty rows: count, not copy.
                repeat = int(element.get(REPEAT_ROWS, "1")) if values else 1
                for _copy in range(min(repeat, MAX_ROWS + 1)):
                    number += 1
                    rows.append((number, values))
                if len(rows) > MAX_ROWS + 1:
                    raise too_many_rows(name)
                number += int(element.get(REPEAT_ROWS, "1")) - 1 if not values else 0
                cells = []
                element.clear()
            elif element.tag == TABLE:
                sheets[name] = sheet_data(name, rows)
                element.clear()
    return sheets


def _expand_cells(cells) -> list:
    """The values of a row, with repeated cells spelled out (trailing empty ones dropped)."""
    values = []
    for value, repeat in cells:
        values.extend([value] * min(repeat, MAX_COLUMNS))
        if len(values) > MAX_COLUMNS:
            break
    while values and is_empty(values[-1]):
        values.pop()
    return values


def _ods_value(cell):
    formula = cell.get(q("table", "formula"))
    if formula:
        return Formula(formula)
    kind = cell.get(q("office", "value-type"))
    if kind in ("float", "percentage", "currency"):
        return Decimal(cell.get(q("office", "value")))
    if kind == "date":
        return datetime.date.fromisoformat(cell.get(q("office", "date-value"))[:10])
    if kind == "boolean":
        return cell.get(q("office", "boolean-value")) == "true"
    paragraphs = [_ods_text(p) for p in cell if p.tag == P]
    if not paragraphs:
        return cell.get(q("office", "string-value"))
    return "\n".join(paragraphs)


def _ods_text(element) -> str:
    parts = [WHITESPACE.sub(" ", element.text or "")]
    for child in element:
        if child.tag == q("text", "s"):
            parts.append(" " * int(child.get(q("text", "c"), "1")))
        elif child.tag == q("text", "tab"):
            parts.append("\t")
        elif child.tag == q("text", "line-break"):
            parts.append("\n")
        else:
            parts.append(_ods_text(child))
        parts.append(WHITESPACE.sub(" ", child.tail or ""))
    return "".join(parts)
