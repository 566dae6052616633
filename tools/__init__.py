"""Helpers the scripts (``make bench``) and the tests share: running a command and measuring it
(:mod:`.process`), a copy of the project to build in (:mod:`.project_copy`), the weight of the
built pages (:mod:`.page_weight`). Not part of the casebook package; importable from the
project's root (``python -m scripts.bench``, and pytest's ``pythonpath``)."""
