"""Publishing the book: the Sphinx glue between the case and Jupyter Book.

Each module does one thing for the build: :mod:`.render` turns the content notebooks
display into document nodes; :mod:`.typst_builder` assembles the book into one PDF,
written as Typst by :mod:`.typst_writer` in the page design of ``templates/casebook.typ``.
"""
