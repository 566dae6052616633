"""Checksums and archives that come out the same on every machine and every run."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can hold: no clock in an archive
ZIP_MODE = 0o100644  # a regular file, rw-r--r--


def sha256(data: bytes | str | Path) -> str:
    """The SHA-256 (hex) of bytes, of text (as UTF-8) or of a file's contents."""
    if isinstance(data, Path):
        data = data.read_bytes()
    elif isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def deterministic_zip(entries: Iterable[tuple[str, bytes]], compress: bool = True) -> bytes:
    """A zip of ``(name, data)`` entries in the order given, with a fixed date, fixed Unix
    permissions and, with ``compress``, deflate at level 9; stored otherwise (then the bytes
    do not even depend on the zlib build)."""
    buffer = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = method
            info.create_system = 3  # Unix, so the permissions below mean the same everywhere
            info.external_attr = ZIP_MODE << 16
            archive.writestr(info, data, compresslevel=9 if compress else None)
    return buffer.getvalue()


def write(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` (its folders created) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
