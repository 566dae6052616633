"""casebook: the coded Turin smart-city case as validated data, tables and Figure 1.

    >>> import casebook
    >>> case = casebook.load("data")      # validates; raises CaseError listing problems
    >>> case.actors                        # a pandas DataFrame (a copy; the case is read-only)
"""

from .case import Case, CaseError, default_data_dir, load
from .validate import Problem, check

__all__ = ["Case", "CaseError", "Problem", "check", "default_data_dir", "load"]
__version__ = "0.1.0"
