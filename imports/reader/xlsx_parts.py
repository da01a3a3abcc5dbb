"""The parts of an XLSX its sheet needs: the sheets in order, the date styles, the shared strings.

Each is read through the zip's counter (imports/reader/xlsx_zip.py) and streamed with lxml
(imports/reader/xlsx_xml.py); any fault in them makes the file "not a workbook", as with openpyxl.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format

from imports.reader.mapping_file import FileRefused
from imports.reader.memory import memory_check
from imports.reader.xlsx_xml import BrokenXml, LocalNames, element_batches, elements, forget
from imports.reader.xlsx_zip import WorkbookZip, too_large

# The small parts (the workbook, relationships, styles) have short elements, nothing between them.
_SMALL_PART_STALL = 1024 * 1024


def _attributes(names: LocalNames, element: object) -> dict[str, str]:
    return {names[key]: value for key, value in element.attrib.items()}  # type: ignore[attr-defined]


def _small_part(workbook: WorkbookZip, name: str, tags: tuple[str, ...]) -> list[tuple[str, dict[str, str]]]:
    """The (local name, attributes, parent's local name) of the ``tags`` elements of a small part, in order."""
    names = LocalNames()
    found = []
    with workbook.open(name) as stream:
        try:
            for element in elements(
                stream, tags, stalled=lambda: FileRefused("not_a_workbook"), max_stall_bytes=_SMALL_PART_STALL
            ):
                parent = element.getparent()
                attributes = _attributes(names, element)
                attributes["/parent"] = names[parent.tag] if parent is not None else ""
                found.append((names[element.tag], attributes))
                forget(element)
        except BrokenXml as error:
            raise FileRefused("not_a_workbook") from error
    return found


@dataclass(frozen=True)
class Sheet:
    title: str
    visible: bool
    part: str


@dataclass
class WorkbookLayout:
    sheets: list[Sheet]
    date1904: bool
    shared_strings: str | None
    styles: str | None


def _targets(workbook: WorkbookZip, rels: str, base: str) -> list[tuple[str, str, str]]:
    """A relationships part as (id, type's last word, member name)."""
    if not workbook.has(rels):
        return []
    targets = []
    for _tag, attributes in _small_part(workbook, rels, ("Relationship",)):
        target = attributes.get("Target", "")
        if attributes.get("TargetMode") == "External" or not target:
            continue
        member = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join(base, target))
        targets.append((attributes.get("Id", ""), attributes.get("Type", "").rpartition("/")[2], member))
    return targets


def workbook_layout(workbook: WorkbookZip) -> WorkbookLayout:
    """The workbook's worksheets in order with their visibility, its date system, its shared parts."""
    main = next(
        (member for _id, kind, member in _targets(workbook, "_rels/.rels", "") if kind == "officeDocument"),
        "xl/workbook.xml",
    )
    if not workbook.has(main):
        raise FileRefused("not_a_workbook")
    base = posixpath.dirname(main)
    related = _targets(workbook, posixpath.join(base, "_rels", posixpath.basename(main) + ".rels"), base)
    by_id = {rel_id: (kind, member) for rel_id, kind, member in related}
    by_kind = {kind: member for _id, kind, member in related}
    sheets = []
    date1904 = False
    for tag, attributes in _small_part(workbook, main, ("sheet", "workbookPr")):
        if tag == "workbookPr":
            date1904 = attributes.get("date1904", "").lower() in {"1", "true"}
            continue
        kind, member = by_id.get(attributes.get("id", ""), ("", ""))
        if kind == "worksheet" and workbook.has(member):  # chartsheets and dialog sheets hold no rows
            visible = attributes.get("state", "visible") == "visible"
            sheets.append(Sheet(title=attributes.get("name", ""), visible=visible, part=member))
    return WorkbookLayout(
        sheets=sheets,
        date1904=date1904,
        shared_strings=_existing(workbook, by_kind.get("sharedStrings"), posixpath.join(base, "sharedStrings.xml")),
        styles=_existing(workbook, by_kind.get("styles"), posixpath.join(base, "styles.xml")),
    )


def _existing(workbook: WorkbookZip, *names: str | None) -> str | None:
    return next((name for name in names if name and workbook.has(name)), None)


@dataclass
class DateStyles:
    """Which cell styles (their index in cellXfs) show a number as a date, and which as a duration."""

    dates: set[int] = field(default_factory=set)
    durations: set[int] = field(default_factory=set)


def date_styles(workbook: WorkbookZip, name: str | None) -> DateStyles:
    """As openpyxl tells them: each style's number format, custom or built in, judged by openpyxl's rules."""
    styles = DateStyles()
    if name is None:
        return styles
    custom: dict[str, str] = {}
    index = 0
    for tag, attributes in _small_part(workbook, name, ("numFmt", "xf")):
        if tag == "numFmt":
            custom[attributes.get("numFmtId", "")] = attributes.get("formatCode", "")
            continue
        if attributes["/parent"] != "cellXfs":
            continue  # cellStyleXfs: the named styles, which cells do not point at
        format_id = attributes.get("numFmtId", "0")
        code = custom.get(format_id)
        if code is None and format_id.isdigit():
            code = builtin_format_code(int(format_id))
        if is_date_format(code):
            styles.dates.add(index)
        if code is not None and is_timedelta_format(code):
            styles.durations.add(index)
        index += 1
    return styles


def shared_strings(workbook: WorkbookZip, name: str, *, maximum: int, max_chars: int) -> list[str]:
    """The shared strings table: at most ``maximum`` strings of at most ``max_chars`` characters each.

    Read as openpyxl reads it: a string's plain text and its rich-text runs, not its phonetic guide.
    """
    strings: list[str] = []
    names = LocalNames()
    plain_text = ""  # the tag of a plain text ("{namespace}t"), known from the first string
    with workbook.open(name) as stream:
        try:
            for batch in element_batches(
                stream,
                ("si",),
                stalled=lambda: too_large("string_length", maximum=max_chars),
                max_stall_bytes=4 * max_chars + _SMALL_PART_STALL,
            ):
                if len(strings) + len(batch) > maximum:
                    raise too_large("shared_strings", maximum=maximum)
                for element in batch:
                    if not plain_text:
                        plain_text = element.tag[:-2] + "t"
                    # The common case, one plain text, without a look at the rest: millions of these.
                    only = element[0] if len(element) == 1 else None
                    text = (
                        (only.text or "")
                        if only is not None and only.tag == plain_text
                        else string_text(element, names)
                    )
                    if len(text) > max_chars:
                        raise too_large("string_length", maximum=max_chars)
                    strings.append(text.replace("x005F_", "") if "x005F_" in text else text)
                if batch:
                    # The strings read so far, dropped in one go; the last may still be growing.
                    del batch[-1].getparent()[:-1]
                memory_check()
        except BrokenXml as error:
            raise FileRefused("not_a_workbook") from error
    return strings


def string_text(element: object, names: LocalNames) -> str:
    """The text of a shared string (``si``) or an inline one (``is``): its ``t``, and its runs' ``t``."""
    children = list(element)  # type: ignore[call-overload]
    if len(children) == 1 and names[children[0].tag] == "t":
        return children[0].text or ""  # the common case: one plain text
    parts = []
    for child in children:
        local = names[child.tag]
        if local == "t":
            parts.append(child.text or "")
        elif local == "r":
            parts.extend(run.text or "" for run in child if names[run.tag] == "t")
    return "".join(parts)
