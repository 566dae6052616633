# A small book of the casebook extension, built in the tests with sphinx.testing: one page of
# prose, one notebook that reads the case named by $CASEBOOK_DATA.
project = "Fixture book"
extensions = ["myst_nb", "casebook.publish"]
myst_enable_extensions = ["attrs_block"]  # {#passage-<id>} anchors a paragraph
exclude_patterns = ["_build"]
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_timeout = 120
casebook_execution_workers = 1
