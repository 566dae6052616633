"""``python -m casebook``: see :mod:`casebook.cli`."""

import sys

from .cli import main

sys.exit(main())
