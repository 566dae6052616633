"""The members of a zip archive (a REFI-QDA project, an Excel workbook), read within bounds."""

from __future__ import annotations

import zipfile

MAX_UNPACKED = 200 * 1024 * 1024
"""The most bytes an import unpacks from one member of an archive (a source's text, the
project's XML, a spreadsheet's sheet): 200 MB, some 30,000 pages of text. A member that
declares more is refused before it is read, so a hostile archive cannot fill the memory."""


class TooLarge(Exception):
    """A member of an archive unpacks to more than :data:`MAX_UNPACKED` bytes, or is damaged."""


def read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    """The bytes of the member ``name``, its declared size checked before anything is read and
    the reading stopped at the limit (a member may declare less than it holds): KeyError when
    it is missing, :class:`TooLarge` when it is too large or does not unpack."""
    size = archive.getinfo(name).file_size
    if size > MAX_UNPACKED:
        raise TooLarge(f"{name} would unpack to {size:,} bytes, more than the {MAX_UNPACKED:,} an import reads")
    try:
        with archive.open(name) as member:
            data = member.read(MAX_UNPACKED + 1)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as error:
        raise TooLarge(f"{name} cannot be unpacked ({error})") from None
    if len(data) > MAX_UNPACKED:
        raise TooLarge(f"{name} unpacks to more than the {MAX_UNPACKED:,} bytes an import reads")
    return data
