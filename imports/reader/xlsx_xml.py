"""The one module that drives lxml for the XLSX reader: a zip member's elements, streamed and bounded.

libxml2 (through lxml) tokenises the XML in C and hands over only the elements asked for, so
Python sees a cell once. Each element is dropped once handed over, so memory stays flat. No DTD,
no entities, no network; libxml2 caps a text node at 10 MB, and a stretch of XML that yields no
element for too long (a gigantic tag, millions of elements nobody asked for) is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, Any

from lxml import etree

from imports.reader.mapping_file import FileRefused
from imports.reader.xlsx_zip import READ_CHUNK_BYTES, DamagedMember

# What lxml hands over (an lxml element); its class is private to lxml, so not named here.
Element = Any


class BrokenXml(Exception):
    """The part is not well-formed XML, or its zip stream broke off: where is for the caller to say."""


class LocalNames(dict):
    """A tag's or attribute's name without its namespace (``{...main}row`` is ``row``), worked out once."""

    def __missing__(self, name: str) -> str:
        local = name.rpartition("}")[2]
        self[name] = local
        return local


def element_batches(
    stream: IO[bytes],
    tags: tuple[str, ...],
    *,
    stalled: Callable[[], FileRefused],
    max_stall_bytes: int,
    progress: Callable[[], None] | None = None,
) -> Iterator[list[Element]]:
    """The ``tags`` (local names, any namespace) of ``stream`` as their end tags are read, a chunk's at a time.

    In batches, not one by one: one generator step per chunk instead of per cell. The caller drops
    what it has read (``forget``); past ``max_stall_bytes`` bytes without an element asked for,
    ``stalled()`` is raised. Raises BrokenXml for XML that is not well-formed.
    """
    parser = etree.XMLPullParser(
        events=("end",),
        tag=tuple(f"{{*}}{tag}" for tag in tags),
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    since_last = 0
    first = True
    try:
        while chunk := stream.read(READ_CHUNK_BYTES):
            if first and b"<!DOCTYPE" in chunk[:4096]:
                # Where entity bombs and external entities live; no workbook part has one.
                raise BrokenXml
            first = False
            parser.feed(chunk)
            since_last += len(chunk)
            batch = [element for _event, element in parser.read_events()]
            if batch:
                since_last = 0
                yield batch
            elif since_last > max_stall_bytes:
                raise stalled()
            if progress is not None:
                progress()
        parser.close()
        yield [element for _event, element in parser.read_events()]
    except (etree.XMLSyntaxError, DamagedMember) as error:
        raise BrokenXml from error


def forget(element: Element) -> None:
    """Drop an element read to the end, and its children, from the tree being built."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def elements(
    stream: IO[bytes], tags: tuple[str, ...], *, stalled: Callable[[], FileRefused], max_stall_bytes: int
) -> Iterator[Element]:
    """As element_batches, one element at a time: for the parts other than the sheet."""
    for batch in element_batches(stream, tags, stalled=stalled, max_stall_bytes=max_stall_bytes):
        yield from batch


def parse_row(text: str, declarations: str) -> Element:
    """One ``row`` element parsed on its own, with the namespaces its worksheet declared."""
    parser = etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,  # as element_batches: a comment in a row is no cell
        remove_pis=True,
    )
    try:
        return etree.fromstring(f"<wrapper{declarations}>{text}</wrapper>".encode(), parser)[0]
    except (etree.XMLSyntaxError, IndexError) as error:
        raise BrokenXml from error
