"""Who coded what in a REFI-QDA project: the ``creatingUser`` of each coding, as ``codings.coder``.

REFI-QDA names the user who made a ``Coding`` (or a ``PlainTextSelection``) by the GUID of a
``User`` of the project's ``<Users>``. A published case names its coders by a short id
(:data:`casebook.case.rules.CODER_ID`): the import gives ``c1`` to the first user of
``<Users>``, ``c2`` to the second, and so on (stable: the same project always gives the same
ids, whoever coded what), or, for a case that allows names (``named_coders``), the user's
name. A user referred to but missing from ``<Users>`` gets the next id, and a note.

A project in which fewer than two users made the codings read is a single-coder project: it
fills no ``coder`` column, exactly as before coders were read.
"""

from __future__ import annotations

from .reader import Element, Report, child, children


def coding_users(project: Element) -> list[str | None]:
    """The user of every coding of a text selection: the coding's ``creatingUser``, else its selection's."""
    users = []
    for selection in project.iter("{*}PlainTextSelection"):
        for coding in children(selection, "Coding"):
            users.append(coding.get("creatingUser") or selection.get("creatingUser"))
    return users


def coder_ids(project: Element, named: bool, report: Report) -> dict[str, str]:
    """The coder of each user GUID, for a project coded by two users or more; empty for one.

    ``named``: the user's name (when it has one and no other user has it) instead of ``cN``."""
    used = [u for u in coding_users(project) if u]
    if len(set(used)) < 2:
        return {}
    listed = [(u.get("guid") or "", (u.get("name") or "").strip()) for u in children(child(project, "Users"), "User")]
    known = {guid for guid, _ in listed}
    unlisted = [u for u in dict.fromkeys(used) if u not in known]
    names = [name for _, name in listed]
    ids: dict[str, str] = {}
    for number, (guid, name) in enumerate([*listed, *((u, "") for u in unlisted)], start=1):
        short = f"c{number}"
        ids[guid] = name if named and name and names.count(name) == 1 else short
        if guid in unlisted:
            report.note("Coding", None, f"creatingUser {guid} is no User of the project; its codings are coder {short}")
        elif guid in used:
            shown = f" {name!r}" if name else ""
            report.note("User", guid, f"the user{shown} is coder {ids[guid]} in codings.csv")
    return ids


def codes_by_coder(selection: Element, coders: dict[str, str]) -> dict[str | None, list[str | None]]:
    """The code GUIDs of a selection's codings, by coder (None: a coding that names no known user)."""
    out: dict[str | None, list[str | None]] = {}
    for coding in children(selection, "Coding"):
        user = coding.get("creatingUser") or selection.get("creatingUser") or ""
        out.setdefault(coders.get(user), []).extend(ref.get("targetGUID") for ref in children(coding, "CodeRef"))
    return out
