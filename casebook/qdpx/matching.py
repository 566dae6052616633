"""How an import finds a code of the code book for a code of a QDA tool, in an order a student
can predict, and what it says of a code it cannot find."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from .codebook import ACTOR_GROUP, WORK_GROUP
from .reader import Entry, normalised


def _unique(pairs: Iterable[tuple[object, Entry]]) -> dict:
    """Keys that name one code of the code book (a key two codes share names neither)."""
    found: dict = {}
    for key, entry in pairs:
        found[key] = entry if found.get(key, entry) == entry else None
    return {k: e for k, e in found.items() if e is not None}


class CodeIndex:
    """The code book as an import looks a code up in it, in an order a user can predict: by GUID,
    then by the path of names from the top, by name, by id (the ``casebook: id=`` value of
    export-codebook, ``political``, ``shared-motivation``), then by name or id with case, spaces,
    ``_`` and ``-`` folded (qc's ``political_work`` is "Political work")."""

    def __init__(self, entries: list[Entry]):
        self.by_guid = _unique((e.guid.lower(), e) for e in entries if e.guid)
        self.by_path = _unique((tuple(n.lower() for n in e.path), e) for e in entries)
        self.by_name = _unique((e.name.lower(), e) for e in entries)
        self.by_id = _unique((e.ident, e) for e in entries if e.ident)
        self.by_folded = _unique(
            (key, e) for e in entries for key in {normalised(e.name), normalised(e.ident or e.name)}
        )
        self.names = {normalised(e.name): e.name for e in entries if e.scheme is not None}

    def find(self, guid: str | None, path: tuple[str, ...]) -> Entry | None:
        name = path[-1] if path else ""
        return (
            (self.by_guid.get(guid.lower()) if guid else None)
            or self.by_path.get(tuple(n.lower() for n in path))
            or self.by_name.get(name.lower())
            or self.by_id.get(name.strip().lower())
            or self.by_folded.get(normalised(name))
        )

    def near(self, name: str) -> str:
        """`` (did you mean 'Political work'?)`` for a name close to one of the code book's."""
        close = difflib.get_close_matches(normalised(name), list(self.names), n=2, cutoff=0.7)
        return f" (did you mean {' or '.join(repr(self.names[c]) for c in close)}?)" if close else ""

    def outside(self, shown: str, n: int) -> str:
        """Why a code was left out, with a close name of the code book when there is one."""
        return (
            f"{shown!r} is not in the code book (framework elements, {WORK_GROUP.lower()},"
            f" {ACTOR_GROUP.lower()}){self.near(shown.rsplit('/', 1)[-1])}; its {n} coding(s) were left out"
        )
