"""Finishing a workbook openpyxl saved: cached formula values, rows spliced in, dynamic arrays restored.

openpyxl writes a formula without its value (``<c r="C5"><f>WIN_RATE(...)</f><v/></c>``), so a viewer, pandas,
a mail preview or Excel without the add-in shows an empty cell. :func:`finish` rewrites the saved package once,
part by part, streaming into a temporary file next to the destination that is then renamed into place:

- every formula cell whose value is known gets it as its cached value: ``<v>0.42</v>`` for a number,
  ``t="str"`` for text, ``t="b"`` for TRUE/FALSE, ``t="e"`` with the code for an error; the formula stays;
- ``<calcPr fullCalcOnLoad="1"/>`` in ``xl/workbook.xml``, so Excel with the add-in recalculates on open;
- rows generated elsewhere (the data tables) are spliced into a sheet's ``<sheetData>`` and its dimension set;
- a carriage return in a cell's text is kept (openpyxl writes it raw, and XML readers would turn it into a
  line feed);
- the dynamic-array marker openpyxl drops is put back: ``cm="1"`` on the cells that had it and the
  ``xl/metadata.xml`` part with its content type and workbook relationship (see :func:`read_dynamic_arrays`).

Only regular expressions over openpyxl's own, predictable output are used: no XML tree is built.
"""

from __future__ import annotations

import contextlib
import math
import os
import posixpath
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..formulas import ExcelError

METADATA_PART = "xl/metadata.xml"
METADATA_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml"
METADATA_REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sheetMetadata"

_SHEET = re.compile(r'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_SHEET_ALT = re.compile(r'<sheet\b[^>]*?\br:id="([^"]*)"[^>]*?\bname="([^"]*)"')
_REL = re.compile(r"<Relationship\b([^>]*)/?>")
_ATTR = re.compile(r'(\w+(?::\w+)?)="([^"]*)"')
#: A formula cell as openpyxl writes it: attributes, formula element, an empty value.
_FORMULA_CELL = re.compile(r'<c r="([A-Z]{1,3}[0-9]+)"([^>]*)><f([^>]*)>([^<]*)</f>(?:<v\s*/>|<v></v>)?</c>')
_CM_CELL = re.compile(r'<c\b[^>]*?\br="([A-Z]{1,3}[0-9]+)"[^>]*?\bcm="([0-9]+)"')
_CALC_PR = re.compile(r"<calcPr\b[^>]*/>|<calcPr\b[^>]*>.*?</calcPr>", re.S)
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;"})


def escape(text: str) -> str:
    """Text for an XML element or attribute value."""
    return text.translate(_XML_ESCAPES)


def unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&#13;", "\r")
        .replace("&amp;", "&")
    )


# ------------------------------------------------------------------------------------------ package map


def sheet_parts(read: Mapping[str, bytes] | zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> worksheet part path (``xl/worksheets/sheet3.xml``), from the workbook and its rels."""
    workbook = _read_text(read, "xl/workbook.xml")
    rels = _relationships(_read_text(read, "xl/_rels/workbook.xml.rels"))
    sheets = [(unescape(name), rid) for name, rid in _SHEET.findall(workbook)]
    if not sheets:
        sheets = [(unescape(name), rid) for rid, name in _SHEET_ALT.findall(workbook)]
    return {name: _part_path("xl", rels[rid]["Target"]) for name, rid in sheets if rid in rels}


def _read_text(read: Mapping[str, bytes] | zipfile.ZipFile, name: str) -> str:
    data = read.read(name) if isinstance(read, zipfile.ZipFile) else read[name]
    return data.decode("utf-8")


def _relationships(xml: str) -> dict[str, dict[str, str]]:
    rels = {}
    for match in _REL.finditer(xml):
        attrs = dict(_ATTR.findall(match.group(1)))
        if "Id" in attrs:
            rels[attrs["Id"]] = attrs
    return rels


def _part_path(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base, target))


# ------------------------------------------------------------------------------------ dynamic arrays


@dataclass
class DynamicArrays:
    """What openpyxl drops of a workbook's dynamic arrays: the cells marked ``cm`` and the metadata part."""

    cells: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet name -> {"C5": "1"}
    metadata: bytes | None = None

    def __bool__(self) -> bool:
        return bool(self.cells) or self.metadata is not None


def read_dynamic_arrays(source: str | Path | IO[bytes]) -> DynamicArrays:
    """The ``cm`` markers and ``xl/metadata.xml`` of an .xlsx (empty when it has none)."""
    with zipfile.ZipFile(source) as package:
        names = set(package.namelist())
        found = DynamicArrays(metadata=package.read(METADATA_PART) if METADATA_PART in names else None)
        for sheet, part in sheet_parts(package).items():
            if part in names:
                xml = package.read(part).decode("utf-8")
                if ' cm="' in xml:
                    cells = dict(_CM_CELL.findall(xml))
                    if cells:
                        found.cells[sheet] = cells
    return found


# ------------------------------------------------------------------------------------- cached values


def xml_value(value: Any) -> tuple[str, str] | None:
    """``(t attribute, <v> text)`` for a formula's value; None when it has no value to store."""
    if isinstance(value, ExcelError):
        return "e", value.code
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number):
            return "e", "#NUM!"
        return "", repr(number) if number != int(number) or abs(number) >= 1e16 else str(int(number))
    if isinstance(value, str):
        return "str", escape(value)
    return None


def set_cached_values(xml: str, values: Mapping[str, Any], markers: Mapping[str, str] | None = None) -> tuple[str, int]:
    """The worksheet XML with each formula cell in ``values`` (coordinate -> value) given its cached value,
    and the ``cm`` attribute of ``markers`` restored; returns it and the number of values written."""
    markers = markers or {}
    written = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal written
        coordinate, attributes, formula_attributes, formula = match.groups()
        attributes = re.sub(r'\s(?:t|cm)="[^"]*"', "", attributes)
        if coordinate in markers:
            attributes += f' cm="{markers[coordinate]}"'
        stored = xml_value(values[coordinate]) if coordinate in values else None
        if stored is None:
            return f'<c r="{coordinate}"{attributes}><f{formula_attributes}>{formula}</f></c>'
        written += 1
        kind, text = stored
        kind_attribute = f' t="{kind}"' if kind else ""
        return f'<c r="{coordinate}"{attributes}{kind_attribute}><f{formula_attributes}>{formula}</f><v>{text}</v></c>'

    return _FORMULA_CELL.sub(replace, xml), written


def _full_calc_on_load(workbook_xml: str) -> str:
    """``xl/workbook.xml`` asking Excel to recalculate every formula when the file opens."""
    match = _CALC_PR.search(workbook_xml)
    if match:
        element = match.group(0)
        if "fullCalcOnLoad" in element:
            element = re.sub(r'fullCalcOnLoad="[^"]*"', 'fullCalcOnLoad="1"', element)
        else:
            element = element.replace("<calcPr", '<calcPr fullCalcOnLoad="1"', 1)
        return workbook_xml[: match.start()] + element + workbook_xml[match.end() :]
    # calcPr follows definedNames (CT_Workbook's order); before any later element otherwise.
    for anchor in ("</definedNames>",):
        if anchor in workbook_xml:
            return workbook_xml.replace(anchor, anchor + '<calcPr calcId="191029" fullCalcOnLoad="1"/>', 1)
    later = re.search(
        r"<(?:oleSize|customWorkbookViews|pivotCaches|smartTagPr|smartTagTypes|webPublishing|"
        r"fileRecoveryPr|webPublishObjects|extLst)\b|</workbook>",
        workbook_xml,
    )
    position = later.start() if later else len(workbook_xml)
    return workbook_xml[:position] + '<calcPr calcId="191029" fullCalcOnLoad="1"/>' + workbook_xml[position:]


# ------------------------------------------------------------------------------------------- rewrite


@dataclass
class SheetRows:
    """Rows to splice into a sheet after its existing rows, and the sheet's new used range."""

    xml: str | Iterator[str]  # ``<row r="2">...</row>...``; an iterator is written piece by piece
    dimension: str  # "A1:AA1001"


@dataclass
class FinishReport:
    cached: int = 0  # formula cells given a cached value
    markers: int = 0  # cm markers restored


def finish(
    saved: str | Path | IO[bytes],
    destination: str | Path,
    *,
    values: Mapping[str, Mapping[str, Any]] | None = None,
    rows: Mapping[str, SheetRows] | None = None,
    dynamic: DynamicArrays | None = None,
    compresslevel: int = 1,
) -> FinishReport:
    """Rewrite the package openpyxl saved (``saved``) into ``destination`` atomically.

    ``values``: sheet name -> {coordinate: value} for formula cells; ``rows``: sheet name -> rows to splice;
    ``dynamic``: markers and metadata to restore. The output is written to ``<destination>.partial`` in the
    same folder and renamed over ``destination`` only when complete.
    """
    values, rows, dynamic = values or {}, rows or {}, dynamic or DynamicArrays()
    report = FinishReport()
    destination = Path(destination)
    with zipfile.ZipFile(saved) as source, atomic_path(destination) as temporary:
        parts = sheet_parts(source)
        by_part = {part: sheet for sheet, part in parts.items()}
        names = source.namelist()
        add_metadata = dynamic.metadata is not None and METADATA_PART not in names
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as target:
            for info in source.infolist():
                name = info.filename
                sheet = by_part.get(name)
                if sheet is not None and (sheet in values or sheet in rows or sheet in dynamic.cells):
                    xml = source.read(name).decode("utf-8")
                    if sheet in values or sheet in dynamic.cells:
                        xml, written = set_cached_values(xml, values.get(sheet, {}), dynamic.cells.get(sheet))
                        report.cached += written
                        report.markers += len(dynamic.cells.get(sheet, {}))
                    xml = xml.replace("\r", "&#13;")
                    if sheet in rows:
                        _write_with_rows(target, name, xml, rows[sheet])
                    else:
                        target.writestr(_info(name), xml.encode("utf-8"))
                elif name == "xl/workbook.xml":
                    target.writestr(_info(name), _full_calc_on_load(source.read(name).decode("utf-8")).encode())
                elif name == "[Content_Types].xml" and add_metadata:
                    target.writestr(_info(name), _with_metadata_type(source.read(name).decode("utf-8")).encode())
                elif name == "xl/_rels/workbook.xml.rels" and add_metadata:
                    target.writestr(_info(name), _with_metadata_rel(source.read(name).decode("utf-8")).encode())
                elif name in by_part:
                    target.writestr(_info(name), _keep_carriage_returns(source.read(name)))
                else:
                    target.writestr(_info(name), source.read(name))
            if add_metadata:
                target.writestr(_info(METADATA_PART), dynamic.metadata)
    return report


def _keep_carriage_returns(xml: bytes) -> bytes:
    """openpyxl writes a carriage return in text as it is, and XML readers turn it into a line feed; as a
    character reference it stays a carriage return ("\r=1+1" reads back as written)."""
    return xml.replace(b"\r", b"&#13;") if b"\r" in xml else xml


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


_SHEET_DATA_END = re.compile(r"</sheetData>|<sheetData\s*/>")
_DIMENSION = re.compile(r'<dimension ref="[^"]*"\s*/>')


def _write_with_rows(target: zipfile.ZipFile, name: str, xml: str, rows: SheetRows) -> None:
    """Write a worksheet part with ``rows`` inserted at the end of its sheetData, streaming big rows."""
    xml = _DIMENSION.sub(f'<dimension ref="{rows.dimension}"/>', xml, count=1)
    end = _SHEET_DATA_END.search(xml)
    if end is None:
        raise ValueError(f"{name}: no sheetData to add rows to")
    head = xml[: end.start()] + ("<sheetData>" if end.group(0) != "</sheetData>" else "")
    tail = "</sheetData>" + xml[end.end() :]
    with target.open(_info(name), "w", force_zip64=True) as stream:
        stream.write(head.encode("utf-8"))
        pieces = [rows.xml] if isinstance(rows.xml, str) else rows.xml
        for piece in pieces:
            stream.write(piece.encode("utf-8"))
        stream.write(tail.encode("utf-8"))


def _with_metadata_type(content_types: str) -> str:
    if '"/xl/metadata.xml"' in content_types:
        return content_types
    override = f'<Override PartName="/{METADATA_PART}" ContentType="{METADATA_CONTENT_TYPE}"/>'
    return content_types.replace("</Types>", override + "</Types>", 1)


def _with_metadata_rel(rels: str) -> str:
    existing = _relationships(rels)
    if any(rel.get("Type") == METADATA_REL_TYPE for rel in existing.values()):
        return rels
    number = 1 + max((int(m) for m in re.findall(r'Id="rId([0-9]+)"', rels)), default=0)
    rel = f'<Relationship Id="rId{number}" Type="{METADATA_REL_TYPE}" Target="metadata.xml"/>'
    return rels.replace("</Relationships>", rel + "</Relationships>", 1)


# --------------------------------------------------------------------------------------- atomic output


def partial_path(destination: str | Path) -> Path:
    """Where an output is written before it is renamed into place (a leftover is an interrupted write)."""
    destination = Path(destination)
    return destination.with_name(destination.name + ".partial")


@contextlib.contextmanager
def atomic_path(destination: str | Path) -> Iterator[Path]:
    """A temporary path in the destination's folder; renamed over ``destination`` if the block succeeds,
    removed if it fails. A crash leaves only ``<name>.partial``, never a half-written ``destination``."""
    destination = Path(destination)
    temporary = partial_path(destination)
    temporary.unlink(missing_ok=True)
    try:
        yield temporary
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
