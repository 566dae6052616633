"""The coded case: its schema, the reading and checking of a case folder, and the read-only
:class:`Case` the rest of the package is built from. Standard library and pandas only.

- :mod:`.schema` — the tables and columns every case folder has (``datapackage.json``);
- :mod:`.characters` — the Unicode rules of identifiers, labels and text;
- :mod:`.read` — one CSV file read into typed rows, with their line numbers and problems;
- :mod:`.rules` — the rules that span files, each named by a code;
- :mod:`.validate` — a whole folder checked: :func:`check`;
- :mod:`.model` — :class:`Case` and :func:`load`, :func:`about`;
- :mod:`.folder` — a new case folder written (``init``, ``import-qdpx``);
- :mod:`.dictionary` — the data dictionary (``README.md``) made from the schema and the rules.

Every problem found is a :class:`Problem`: ``file:row:column: message``, with a code.
"""

from ..paths import default_data_dir
from .model import ROWS, About, Case, CaseError, Reader, about, load
from .read import Problem
from .validate import check

__all__ = [
    "ROWS",
    "About",
    "Case",
    "CaseError",
    "Problem",
    "Reader",
    "about",
    "check",
    "default_data_dir",
    "load",
]
