"""What Typst's tagged PDF does not say yet, said after it: row headers, and captions inside their tables.

Typst 0.15 tags every body cell of a table ``TD``: marking a cell as a row header
(``TH`` with ``/Scope /Row``) needs its ``a11y-extras`` feature, which the Python binding
cannot turn on. And a captioned table whose figure Typst lays out in more than one piece
(at a page's foot, say) gets its ``Caption`` beside the table, in a ``Div``, instead of
inside it as for the others. :func:`repair` rewrites those few structure elements of the
compiled PDF; it changes no page content, so the PDF stays what Typst made it (PDF/UA-1,
PDF/A-2a), and it is deterministic: the same PDF in gives the same bytes out.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence

import pikepdf


class TagError(ValueError):
    """The PDF's tables are not the ones the Typst source wrote."""


def _items(element: pikepdf.Object) -> list[pikepdf.Object]:
    """What is directly under ``element``: structure elements, marked content, object references."""
    k = element.get("/K")
    return list(k) if isinstance(k, pikepdf.Array) else [k] if k is not None else []


def _kids(element: pikepdf.Object) -> list[pikepdf.Dictionary]:
    """The structure elements directly under ``element`` (not its marked content)."""
    return [i for i in _items(element) if isinstance(i, pikepdf.Dictionary) and "/S" in i]


def _same(a: pikepdf.Object, b: pikepdf.Object) -> bool:
    return a.is_indirect and b.is_indirect and a.objgen == b.objgen


def _walk(element: pikepdf.Object) -> Iterator[pikepdf.Dictionary]:
    for kid in _kids(element):
        yield kid
        yield from _walk(kid)


def _table_attributes(cell: pikepdf.Dictionary) -> pikepdf.Dictionary:
    """The cell's attribute dictionary of owner ``/Table`` (added if it has none)."""
    a = cell.get("/A")
    found = list(a) if isinstance(a, pikepdf.Array) else [a] if a is not None else []
    for attributes in found:
        if isinstance(attributes, pikepdf.Dictionary) and attributes.get("/O") == "/Table":
            return attributes
    attributes = pikepdf.Dictionary(O=pikepdf.Name.Table)
    cell.A = pikepdf.Array([attributes, *found])
    return attributes


def _row_headers(table: pikepdf.Dictionary, count: int, number: int, ids: pikepdf.NameTree) -> None:
    """The first ``count`` cells of each body row become row headers (``TH``, ``/Scope /Row``),
    and the row's other cells name them among their headers."""
    for body in (part for part in _kids(table) if part.S == "/TBody"):
        for y, row in enumerate(r for r in _kids(body) if r.S == "/TR"):
            cells = [c for c in _kids(row) if c.S in ("/TD", "/TH")]
            heads = []
            for x, cell in enumerate(cells[:count]):
                ident = pikepdf.String(f"casebook-t{number}-y{y}-x{x}")
                cell.S = pikepdf.Name.TH
                cell.ID = ident
                ids[bytes(ident).decode()] = cell
                _table_attributes(cell).Scope = pikepdf.Name.Row
                heads.append(ident)
            for cell in cells[count:]:
                attributes = _table_attributes(cell)
                attributes.Headers = pikepdf.Array([*attributes.get("/Headers", []), *heads])


def _replace(parent: pikepdf.Object, old: pikepdf.Object, new: pikepdf.Object) -> None:
    parent.K = pikepdf.Array([new if _same(i, old) else i for i in _items(parent)])
    new.P = parent


def _caption_inside(table: pikepdf.Dictionary) -> None:
    """``Div > [Caption, Div > Table]`` (Typst's tags for a table laid out in pieces) becomes
    ``Table > [Caption, ...]``, as for a table laid out in one."""
    inner = table.get("/P")
    outer = inner.get("/P") if inner is not None else None
    if inner is None or outer is None or inner.get("/S") != "/Div" or outer.get("/S") != "/Div":
        return
    held, beside = _items(inner), _items(outer)
    if len(held) != 1 or not _same(held[0], table) or len(beside) != 2 or not _same(beside[1], inner):
        return
    caption = beside[0]
    if not isinstance(caption, pikepdf.Dictionary) or caption.get("/S") != "/Caption":
        return
    table.K = pikepdf.Array([caption, *_items(table)])
    caption.P = table
    _replace(outer.P, outer, table)


def repair(data: bytes, row_headers: Sequence[int]) -> bytes:
    """The PDF ``data`` with each table's caption inside it and, for the tables in reading
    order, their first ``row_headers[i]`` columns tagged as row headers."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.StructTreeRoot
        tables = [e for e in _walk(root) if e.S == "/Table"]
        if len(tables) != len(row_headers):
            raise TagError(f"the PDF has {len(tables)} tables where its Typst source wrote {len(row_headers)}")
        if "/IDTree" not in root:
            root.IDTree = pdf.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array()))
        ids = pikepdf.NameTree(root.IDTree)
        for number, (table, count) in enumerate(zip(tables, row_headers, strict=True)):
            _caption_inside(table)
            if count:
                _row_headers(table, count, number, ids)
        out = io.BytesIO()
        # object streams (allowed in PDF/A-2) make the file less than half as large
        pdf.save(
            out, deterministic_id=True, fix_metadata_version=False, object_stream_mode=pikepdf.ObjectStreamMode.generate
        )
        return out.getvalue()
