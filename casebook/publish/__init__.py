"""Publishing the book: the Sphinx glue between the case and Jupyter Book.

Each module does one thing for the build: :mod:`.render` turns the content notebooks
display into document nodes.
"""
