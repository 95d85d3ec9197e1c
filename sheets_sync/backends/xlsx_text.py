"""XML text and attributes read from a part's bytes exactly as lxml gives them: entities
and character references resolved, line ends as ``\\n``, attribute whitespace normalised.
The byte scanner (:mod:`.xlsx_scan`) and the byte splicer (:mod:`.xlsx_splice`) share them."""
from __future__ import annotations

import re

from lxml import etree

from ..core.grid import Cell

ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);")
NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}

def content_until(tag: bytes) -> bytes:
    """A pattern group of an element's content up to its first end tag ``</tag>``, as
    ``(.*?)</tag>`` with re.S matches, in runs: a lazy ``.*?`` tries the end tag at every
    byte (the 32,000-character texts of the metadata tab read 14x slower). No possessive
    quantifiers: Python 3.10 has none, and 3.11 before 3.11.5 matches this shape wrongly
    with them (Debian 12's 3.11.2 found no cell at all)."""
    return rb"([^<]*(?:<(?!/" + tag + rb">)[^<]*)*)</" + tag + rb">"


TEXT_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


def _entity(m) -> str:
    e = m.group(1)
    if e[0] == "#":
        return chr(int(e[2:], 16) if e[1] in "xX" else int(e[1:]))
    return NAMED[e]


def element_text(raw: bytes | None) -> str | None:
    """Element text as lxml gives it: entities resolved, line ends as \\n, None when empty."""
    if not raw:
        return None
    if b"&#" in raw:
        # character references (openpyxl writes every Thai letter as one): lxml decodes
        # them at C speed; the raw text comes from a part already checked well-formed
        return etree.fromstring(b"<t>" + raw + b"</t>", TEXT_PARSER).text or None
    s = raw.decode("utf-8")
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    return unescape(s) if "&" in s else s


def unescape(s: str) -> str:
    if "&#10;" in s:    # a line end in a note: no other reference ends in it or holds it
        s = s.replace("&#10;", "\n")
        if "&" not in s:
            return s
    if "&#" in s:
        return ENTITY.sub(_entity, s)
    # no character references: the five named ones, &amp; last (JSON blobs are full of &quot;)
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def attrs(raw: bytes) -> dict[str, str]:
    out = {}
    for k, v in ATTR.findall(raw):
        if b"&#" in v:
            # character references (openpyxl writes every Thai letter of a note as one):
            # lxml resolves and normalises the value at C speed, exactly as the tree reads it
            out[k.decode()] = etree.fromstring(b'<a v="' + v + b'"/>', TEXT_PARSER).get("v")
            continue
        s = v.decode("utf-8")
        if "\t" in s or "\n" in s or "\r" in s:
            s = s.replace("\r\n", " ").replace("\r", " ").replace("\n", " ").replace("\t", " ")
        out[k.decode()] = unescape(s) if "&" in s else s
    return out


def decode_refs(refs: list[tuple[Cell, bytes]], values: dict) -> None:
    """The texts of ``refs`` (openpyxl writes every Thai letter as a character reference),
    as :func:`element_text` reads each, from one lxml parse of them all: a parse per cell cost
    more than the rest of the sheet's reading."""
    if not refs:
        return
    root = etree.fromstring(b"<r><t>" + b"</t><t>".join(raw for _, raw in refs) + b"</t></r>", TEXT_PARSER)
    for (cell, _), el in zip(refs, root):
        if el.text:
            values[cell] = el.text
        else:
            del values[cell]


def region(data: bytes, start: bytes, end: bytes) -> tuple[int, int]:
    """Where the element that starts with ``start`` lies (0, 0 when the part has none):
    a search over it, not over every cell of the sheet."""
    i = data.find(start)
    if i == -1:
        return 0, 0
    j = data.find(end, i)
    return i, (len(data) if j == -1 else j)
