"""casebook: a coded qualitative case as validated data, its tables, Figure 1 and its book.

>>> import casebook
>>> case = casebook.load("data")      # validates; raises CaseError listing problems
>>> case.actors                        # a pandas DataFrame (a copy; the case is read-only)
"""

from .case import Case, CaseError, Problem, check, default_data_dir, load

__all__ = ["Case", "CaseError", "Problem", "check", "default_data_dir", "load"]
__version__ = "0.1.0"
